from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from lxml import etree
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.approvals.models import ApprovalState, OrderApproval
from kabinet.approvals.selectors import approval_queue, order_approvers
from kabinet.approvals.services import approval_rule_create, order_approve, order_return
from kabinet.approvals.tests.conftest import scope_of
from kabinet.cart.tests.factories import cart_make
from kabinet.comms.models import Notification
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.orders.checkout import order_place
from kabinet.orders.models import Order
from kabinet.orders.services import order_draft_update, order_recall, order_send
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Status


def _rule(admin, **fields):
    arguments = {
        "total_above": None,
        "lines_above": None,
        "counterparty_id": None,
        "employee_id": None,
        "approver_id": admin.pk,
        "approver_section": "",
        **fields,
    }
    return approval_rule_create(scope=scope_of(admin), **arguments)


def _draft(author, goods, *, quantity="2", counterparty=None):
    return order_make(
        author=author,
        variants=goods,
        status=Status.DRAFT,
        quantity=quantity,
        counterparty=counterparty,
    )


def _state(order):
    order.refresh_from_db()
    return (
        order.status,
        order.export_pending,
        order.events.count(),
        list(order.approvals.values_list("state", flat=True)),
    )


@pytest.fixture
def one_c(settings, tmp_path):
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")

    def query() -> list[str]:
        client = OneC(kind="sale")
        assert client.checkauth()[0] == "success"
        client.call("init", version="2.08")
        root = etree.fromstring(client.call("query").encode())
        return [document.findtext("Номер") for document in root.findall("Документ")]

    return query


def test_an_order_above_the_threshold_never_reaches_1c_until_approved(
    partner_admin, buyer, goods, one_c
):
    _rule(partner_admin, total_above=Decimal("300.00"))
    big = _draft(buyer, goods, quantity="2")  # 2 lines × 2 × 100.00 = 400.00
    small = _draft(buyer, goods[:1], quantity="1")  # 100.00

    order_send(scope=scope_of(buyer), order_id=big.pk)
    order_send(scope=scope_of(buyer), order_id=small.pk)

    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, big.export_pending, big.sent_at) == (Status.AWAITING_APPROVAL, False, None)
    assert small.status == Status.SENT
    assert one_c() == [small.number]

    order_approve(scope=scope_of(partner_admin), order_id=big.pk, comment="Within budget")

    big.refresh_from_db()
    assert (big.status, big.export_pending) == (Status.SENT, True)
    assert one_c() == [big.number, small.number]  # in the order of their ids


def test_an_order_sent_once_then_recalled_and_waiting_is_not_exported(
    partner_admin, buyer, goods, one_c
):
    """1C had not confirmed the first sending (export_pending still set) when the order was
    recalled, enlarged and sent again: while it waits, 1C's query must not list it."""
    order = _draft(buyer, goods[:1], quantity="1")
    order_send(scope=scope_of(buyer), order_id=order.pk)
    order_recall(scope=scope_of(buyer), order_id=order.pk)
    _rule(partner_admin, total_above=Decimal("300.00"))
    order_draft_update(
        scope=scope_of(buyer),
        order_id=order.pk,
        address_id=None,
        desired_date=None,
        comment="",
        lines={goods[0].pk: Decimal(5)},
    )
    order_send(scope=scope_of(buyer), order_id=order.pk)

    order.refresh_from_db()
    assert (order.status, order.export_pending) == (Status.AWAITING_APPROVAL, True)
    assert one_c() == []


def test_checkout_of_a_matching_cart_waits_for_approval(partner_admin, buyer, goods):
    _rule(partner_admin, lines_above=1)
    cart = cart_make(owner=buyer, lines={goods[0]: 1, goods[1]: 1})

    order = order_place(
        scope=scope_of(buyer),
        cart=cart,
        agreement=cart.agreement,
        address_id=None,
        desired_date=None,
        comment="",
        send=True,
        submit_token="t-1",
    )

    order.refresh_from_db()
    assert (order.status, order.export_pending) == (Status.AWAITING_APPROVAL, False)
    assert list(order.events.values_list("previous_status", "status")) == [
        ("", Status.DRAFT),
        (Status.DRAFT, Status.AWAITING_APPROVAL),
    ]


def test_rules_match_by_lines_counterparty_and_employee(partner_admin, buyer, goods, head, branch):
    other_buyer = UserFactory(partner=buyer.partner, email="b2@alpha.example")
    _rule(partner_admin, lines_above=1, counterparty_id=branch.pk, employee_id=buyer.pk)
    cases = [
        (buyer, goods, branch, Status.AWAITING_APPROVAL),
        (buyer, goods[:1], branch, Status.SENT),  # one line only
        (buyer, goods, head, Status.SENT),  # another counterparty
        (other_buyer, goods, branch, Status.SENT),  # another employee
    ]
    for author, variants, counterparty, expected in cases:
        order = _draft(author, variants, counterparty=counterparty)
        order_send(scope=scope_of(author), order_id=order.pk)
        order.refresh_from_db()
        assert order.status == expected, (author, len(variants), counterparty)


def test_approval_by_someone_without_the_right_is_refused(partner_admin, buyer, goods):
    colleague = UserFactory(
        partner=buyer.partner, email="colleague@alpha.example", sections=[Section.ORDERS]
    )
    _rule(partner_admin, total_above=Decimal(0))
    order = _draft(buyer, goods)
    order_send(scope=scope_of(buyer), order_id=order.pk)
    before = _state(order)

    for someone in (colleague, buyer):  # a colleague not named; the author themself
        with pytest.raises(PermissionDenied):
            order_approve(scope=scope_of(someone), order_id=order.pk)
        with pytest.raises(PermissionDenied):
            order_return(scope=scope_of(someone), order_id=order.pk, comment="no")
        response = client_for(someone).post(f"/approvals/{order.pk}/approve/")
        assert response.status_code == 403
        assert client_for(someone).get(f"/approvals/{order.pk}/").status_code == 404
        assert approval_queue(scope_of(someone)) == []

    assert _state(order) == before == (Status.AWAITING_APPROVAL, False, 1, [ApprovalState.PENDING])


def test_an_approver_named_by_section_may_approve_but_another_partner_may_not(
    partner_admin, buyer, goods, other_admin
):
    accountant = UserFactory(
        partner=buyer.partner, email="acc@alpha.example", sections=[Section.FINANCE]
    )
    _rule(partner_admin, approver_id=None, approver_section=Section.FINANCE)
    order = _draft(buyer, goods)
    order_send(scope=scope_of(buyer), order_id=order.pk)

    # The administrator has every section, finance too.
    assert order_approvers(Order.objects.get(pk=order.pk)) == {partner_admin.pk, accountant.pk}
    with pytest.raises(Http404):
        order_approve(scope=scope_of(other_admin), order_id=order.pk)

    response = client_for(accountant).post(f"/approvals/{order.pk}/approve/", {"comment": "OK"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.SENT


def test_an_approver_sees_only_orders_of_counterparties_they_may_see(
    partner_admin, buyer, goods, head, branch
):
    limited = UserFactory(partner=buyer.partner, email="lim@alpha.example", sections=["finance"])
    limited.counterparties.set([branch])
    everywhere = UserFactory(partner=buyer.partner, email="all@alpha.example", sections=["finance"])
    _rule(partner_admin, approver_id=None, approver_section=Section.FINANCE)
    at_head = _draft(buyer, goods, counterparty=head)
    at_branch = _draft(buyer, goods, counterparty=branch)
    for order in (at_head, at_branch):
        order_send(scope=scope_of(buyer), order_id=order.pk)

    assert [o.pk for o in approval_queue(scope_of(limited))] == [at_branch.pk]
    assert [o.pk for o in approval_queue(scope_of(everywhere))] == [at_head.pk, at_branch.pk]
    with pytest.raises(Http404):
        order_approve(scope=scope_of(limited), order_id=at_head.pk)
    assert client_for(limited).get(f"/approvals/{at_head.pk}/").status_code == 404
    at_head.refresh_from_db()
    assert at_head.status == Status.AWAITING_APPROVAL


def test_editing_after_approval_sends_the_order_back_for_approval(partner_admin, buyer, goods):
    _rule(partner_admin, total_above=Decimal("100.00"))
    order = _draft(buyer, goods)
    order_send(scope=scope_of(buyer), order_id=order.pk)
    order_approve(scope=scope_of(partner_admin), order_id=order.pk)
    order_recall(scope=scope_of(buyer), order_id=order.pk)

    order_draft_update(
        scope=scope_of(buyer),
        order_id=order.pk,
        address_id=None,
        desired_date=None,
        comment="",
        lines={goods[0].pk: Decimal(3), goods[1].pk: Decimal(2)},
    )
    order_send(scope=scope_of(buyer), order_id=order.pk)

    order.refresh_from_db()
    assert order.status == Status.AWAITING_APPROVAL
    assert list(order.approvals.values_list("state", flat=True)) == [
        ApprovalState.APPROVED,
        ApprovalState.PENDING,
    ]
    assert [o.pk for o in approval_queue(scope_of(partner_admin))] == [order.pk]


def test_an_approved_order_recalled_and_sent_unchanged_needs_no_new_approval(
    partner_admin, buyer, goods
):
    _rule(partner_admin, total_above=Decimal("100.00"))
    order = _draft(buyer, goods)
    order_send(scope=scope_of(buyer), order_id=order.pk)
    order_approve(scope=scope_of(partner_admin), order_id=order.pk)
    order_recall(scope=scope_of(buyer), order_id=order.pk)

    order_send(scope=scope_of(buyer), order_id=order.pk)

    order.refresh_from_db()
    assert order.status == Status.SENT


def test_the_approver_returns_the_order_with_a_comment_and_the_author_is_told(
    partner_admin, buyer, goods, django_capture_on_commit_callbacks
):
    _rule(partner_admin)
    order = _draft(buyer, goods)
    order_send(scope=scope_of(buyer), order_id=order.pk)
    with pytest.raises(ValidationError):
        order_return(scope=scope_of(partner_admin), order_id=order.pk, comment="  ")
    assert order.events.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        order_return(scope=scope_of(partner_admin), order_id=order.pk, comment="Too many gloves")

    order.refresh_from_db()
    assert order.status == Status.DRAFT
    event = order.events.last()
    assert (event.previous_status, event.status, event.author, event.comment) == (
        Status.AWAITING_APPROVAL,
        Status.DRAFT,
        partner_admin,
        "Too many gloves",
    )
    told = Notification.objects.get(user=buyer)
    assert told.title == f"Заказ {order.number}: Черновик"  # in the user's language
    assert "Too many gloves" in told.body


def test_the_history_shows_every_step_and_notifications_go_both_ways(
    partner_admin, buyer, goods, django_capture_on_commit_callbacks
):
    UserFactory(partner=buyer.partner, email="other-admin@alpha.example")  # not named
    _rule(partner_admin)
    order = _draft(buyer, goods)

    with django_capture_on_commit_callbacks(execute=True):
        order_send(scope=scope_of(buyer), order_id=order.pk)
    asked = list(Notification.objects.values_list("user__email", "title"))
    letters = [(m.to, m.subject) for m in mail.outbox]
    with django_capture_on_commit_callbacks(execute=True):
        order_approve(scope=scope_of(partner_admin), order_id=order.pk, comment="Go ahead")

    title = f"Заказ {order.number}: Ожидает согласования"  # in the user's language
    assert asked == [("admin@alpha.example", title)]
    assert letters == [(["admin@alpha.example"], title)]
    assert f"/approvals/{order.pk}/\n" in mail.outbox[0].body
    assert list(Notification.objects.filter(user=buyer).values_list("title", flat=True)) == [
        f"Заказ {order.number}: Отправлен"
    ]
    history = list(
        order.events.values_list("previous_status", "status", "author__email", "comment")
    )
    assert history == [
        (Status.DRAFT, Status.AWAITING_APPROVAL, "buyer@alpha.example", ""),
        (Status.AWAITING_APPROVAL, Status.SENT, "admin@alpha.example", "Go ahead"),
    ]
    page = client_for(buyer).get(f"/orders/{order.pk}/").content.decode()
    assert "Go ahead" in page
    assert 'data-testid="event-approved"' in page


def test_the_only_administrator_may_approve_their_own_order(partner_admin, goods):
    _rule(partner_admin, total_above=Decimal(0))
    order = _draft(partner_admin, goods)
    order_send(scope=scope_of(partner_admin), order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Status.AWAITING_APPROVAL

    order_approve(scope=scope_of(partner_admin), order_id=order.pk)

    order.refresh_from_db()
    assert order.status == Status.SENT


def test_an_administrator_may_not_approve_their_own_order_when_another_approver_exists(
    partner_admin, goods
):
    second = UserFactory(partner=partner_admin.partner, email="admin2@alpha.example")
    _rule(partner_admin, total_above=Decimal(0))  # names the author themself
    order = _draft(partner_admin, goods)
    order_send(scope=scope_of(partner_admin), order_id=order.pk)

    with pytest.raises(PermissionDenied):
        order_approve(scope=scope_of(partner_admin), order_id=order.pk)
    assert order_approvers(Order.objects.get(pk=order.pk)) == {second.pk}
    order_approve(scope=scope_of(second), order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Status.SENT


def test_the_author_may_take_a_waiting_order_back(partner_admin, buyer, goods):
    _rule(partner_admin)
    order = _draft(buyer, goods)
    order_send(scope=scope_of(buyer), order_id=order.pk)

    order_recall(scope=scope_of(buyer), order_id=order.pk)

    order.refresh_from_db()
    assert order.status == Status.DRAFT
    assert approval_queue(scope_of(partner_admin)) == []
    with pytest.raises(ValidationError):
        order_approve(scope=scope_of(partner_admin), order_id=order.pk)
    order_send(scope=scope_of(buyer), order_id=order.pk)
    assert list(OrderApproval.objects.filter(order=order).values_list("state", flat=True)) == [
        ApprovalState.WITHDRAWN,
        ApprovalState.PENDING,
    ]
