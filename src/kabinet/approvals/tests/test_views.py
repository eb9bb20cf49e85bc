from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest_helpers import client_for as russian_client_for

from kabinet.accounts.models import Section
from kabinet.approvals.models import ApprovalRule
from kabinet.approvals.services import approval_rule_create
from kabinet.approvals.tests.conftest import scope_of
from kabinet.cart.tests.factories import cart_make
from kabinet.orders.models import Order
from kabinet.orders.services import order_send
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Status


def client_for(user):
    """A logged-in client with the interface in English (texts asserted as written)."""
    client = russian_client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _waiting(author, goods, n):
    orders = []
    for _i in range(n):
        order = order_make(author=author, variants=goods, status=Status.DRAFT)
        order_send(scope=scope_of(author), order_id=order.pk)
        orders.append(order)
    return orders


def test_the_administrator_adds_and_deletes_a_rule(partner_admin, buyer, branch):
    client = client_for(partner_admin)

    response = client.post(
        "/approvals/rules/",
        {
            "total_above": "50000",
            "lines_above": "",
            "counterparty": str(branch.pk),
            "employee": str(buyer.pk),
            "approver": str(partner_admin.pk),
            "approver_section": "",
        },
    )

    assert response.status_code == 302
    rule = ApprovalRule.objects.get()
    assert (
        rule.partner_id,
        rule.total_above,
        rule.lines_above,
        rule.counterparty,
        rule.employee,
        rule.approver,
        rule.approver_section,
    ) == (partner_admin.partner_id, Decimal("50000.00"), None, branch, buyer, partner_admin, "")
    page = client.get("/approvals/rules/").content.decode()
    assert page.count('data-testid="approval-rule"') == 1
    assert client.post(f"/approvals/rules/{rule.pk}/delete/").status_code == 302
    assert not ApprovalRule.objects.exists()


@pytest.mark.parametrize(
    ("approver", "section", "message"),
    [
        (True, Section.FINANCE, "Choose either a colleague or a section, not both."),
        (False, "", "Choose who approves: a colleague or a section."),
    ],
)
def test_a_rule_names_exactly_one_approver(partner_admin, approver, section, message):
    response = client_for(partner_admin).post(
        "/approvals/rules/",
        {"approver": str(partner_admin.pk) if approver else "", "approver_section": section},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApprovalRule.objects.exists()


def test_rules_are_for_administrators_only(buyer):
    assert client_for(buyer).get("/approvals/rules/").status_code == 403
    assert (
        client_for(buyer).post("/approvals/rules/", {"approver_section": "orders"}).status_code
        == 403
    )
    assert not ApprovalRule.objects.exists()


def test_the_queue_page_lists_waiting_orders_in_a_fixed_number_of_queries(
    partner_admin, buyer, goods
):
    approval_rule_create(
        scope=scope_of(partner_admin),
        total_above=None,
        lines_above=None,
        counterparty_id=None,
        employee_id=None,
        approver_id=partner_admin.pk,
        approver_section="",
    )
    client = client_for(partner_admin)
    counts = []
    for n, more in ((2, 2), (6, 4)):
        _waiting(buyer, goods, more)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/approvals/")
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="approval-order"') == n
        counts.append(len(queries))
    # Session, user, scope; the waiting orders, the partner's users and their counterparties,
    # the open approvals and their rules; the header's counterparty and agreement, unread
    # notifications — however many orders wait.
    assert counts == [11, 11]


def test_the_approver_decides_from_the_order_page(partner_admin, buyer, goods):
    approval_rule_create(
        scope=scope_of(partner_admin),
        total_above=None,
        lines_above=None,
        counterparty_id=None,
        employee_id=None,
        approver_id=partner_admin.pk,
        approver_section="",
    )
    [order] = _waiting(buyer, goods, 1)
    admin = client_for(partner_admin)

    assert 'data-testid="action-approve"' in admin.get(f"/orders/{order.pk}/").content.decode()
    assert (
        'data-testid="action-approve"'
        not in client_for(buyer).get(f"/orders/{order.pk}/").content.decode()
    )
    response = admin.post(f"/approvals/{order.pk}/return/", {"comment": "Split it in two"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.DRAFT


def test_the_checkout_says_the_order_awaits_approval(partner_admin, buyer, goods):
    approval_rule_create(
        scope=scope_of(partner_admin),
        total_above=Decimal("100.00"),
        lines_above=None,
        counterparty_id=None,
        employee_id=None,
        approver_id=partner_admin.pk,
        approver_section="",
    )
    cart = cart_make(owner=buyer, lines={goods[0]: 2})
    data = {"agreement": cart.agreement_id, "submit_token": "t-1", "action": "send"}

    response = client_for(buyer).post("/cart/checkout/", data, follow=True)

    order = Order.objects.get()
    assert order.status == Status.AWAITING_APPROVAL
    assert [str(m) for m in response.context["messages"]] == [
        f"Order {order.number} awaits approval: it goes out once approved."
    ]
