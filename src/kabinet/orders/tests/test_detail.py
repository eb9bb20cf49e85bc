import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.models import CartLine
from kabinet.orders.models import Order, Shipment
from kabinet.orders.selectors import order_detail
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_the_order_page_shows_header_lines_quantities_history_and_shipments(
    partner_client, partner_admin, goods
):
    order = order_make(
        author=partner_admin,
        variants=goods,
        status=Status.SHIPPED,
        quantity="4",
        comment="Leave at gate 3",
        desired_date=datetime.date(2030, 5, 17),
        created_in_erp=True,
        documents=True,
    )
    line = order.lines.first()
    line.confirmed_quantity, line.shipped_quantity = Decimal("3"), Decimal("1")
    line.save()

    response = partner_client.get(f"/orders/{order.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        order.number,
        order.erp_number,
        order.counterparty.name,
        order.agreement.name,
        order.address.address,
        "Leave at gate 3",
        "17.05.2030",
        "800,00",
        "72,72",
    ):
        assert text in page, text
    assert page.count('data-testid="order-line"') == 2
    # ordered 4, confirmed 3, shipped 1, remaining 2
    assert re.search(r'class="text-end line-confirmed"[^>]*>3</td>', page)
    assert re.search(r'class="text-end line-shipped"[^>]*>1</td>', page)
    assert re.search(r'class="text-end line-remaining"[^>]*>2</td>', page)
    assert page.count('data-testid="shipment"') == 1
    shipment = order.shipments.get()
    assert f"/orders/shipments/{shipment.pk}/document/" in page
    assert 'data-testid="erp-mark"' in page
    assert page.count("border-start border-3") == 4  # sent, accepted, assembling, shipped


@pytest.mark.parametrize(
    ("status", "answer", "backordered"),
    [
        (Status.SHORTAGE, "", "2"),
        (Status.ASSEMBLING, "", "2"),
        (Status.ACCEPTED, "accepted", "0"),
        (Status.COMPLETED, "", "0"),
        (Status.CANCELLED, "", "0"),
    ],
)
def test_the_order_page_shows_what_is_backordered_on_each_line(
    partner_client, partner_admin, goods, status, answer, backordered
):
    order = order_make(author=partner_admin, variants=goods, status=status, quantity="5")
    first, second = order.lines.all()
    first.confirmed_quantity, first.shortage_answer = Decimal("3"), answer
    first.save()
    second.confirmed_quantity = Decimal("5")
    second.save()

    page = partner_client.get(f"/orders/{order.pk}/").content.decode()

    shown = re.findall(r'data-testid="line-backordered">([^<]*)</td>', page)
    assert shown == [backordered, "0"]


def test_the_order_detail_reads_remaining_quantities(scope, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.ACCEPTED, quantity="5")
    order.lines.update(confirmed_quantity=Decimal("3"), shipped_quantity=Decimal("1"))

    detail = order_detail(scope=scope, order_id=order.pk)

    assert [
        (line.quantity, line.confirmed_quantity, line.shipped_quantity, line.remaining_quantity)
        for line in detail.lines.all()
    ] == [(Decimal("5"), Decimal("3"), Decimal("1"), Decimal("2"))] * 2


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        (Status.DRAFT, {"send", "edit", "cancel"}, {"recall", "repeat"}),
        (Status.SENT, {"recall", "cancel", "repeat"}, {"send", "edit"}),
        (Status.SHORTAGE, {"cancel", "repeat"}, {"send", "edit", "recall"}),
        (Status.ASSEMBLING, {"repeat"}, {"send", "edit", "recall", "cancel"}),
        (Status.COMPLETED, {"repeat"}, {"send", "edit", "recall", "cancel"}),
    ],
)
def test_the_order_page_offers_what_the_table_allows(
    partner_client, partner_admin, goods, status, shown, hidden
):
    order = order_make(author=partner_admin, variants=goods, status=status)

    page = partner_client.get(f"/orders/{order.pk}/").content.decode()

    assert {a for a in shown | hidden if f'data-testid="action-{a}"' in page} == shown


def test_someone_who_only_follows_orders_sees_no_actions_and_cannot_act(
    orders_only_employee, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    client = client_for(orders_only_employee)

    page = client.get(f"/orders/{order.pk}/").content.decode()
    answers = [
        client.post(f"/orders/{order.pk}/{action}/").status_code
        for action in ("cancel", "recall", "repeat", "send", "edit")
    ]

    assert order.number in page
    assert 'data-testid="action-' not in page
    assert answers == [403] * 5
    assert Order.objects.get(pk=order.pk).status == Status.SENT


def test_the_partner_cancels_from_the_order_page(partner_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)

    response = partner_client.post(f"/orders/{order.pk}/cancel/", {"comment": "duplicate"})

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert order.events.last().comment == "duplicate"


def test_a_refused_action_shows_why_and_changes_nothing(partner_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.ACCEPTED)

    response = partner_client.post(f"/orders/{order.pk}/recall/", follow=True)

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Status.ACCEPTED


def test_recall_edit_and_send_from_the_pages(partner_client, partner_admin, goods, partner):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    extra = goods_make(partner, n=1)[0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    partner_client.post(f"/orders/{order.pk}/recall/")
    form = partner_client.get(f"/orders/{order.pk}/edit/")
    saved = partner_client.post(
        f"/orders/{order.pk}/edit/",
        {
            "address": order.address_id,
            "desired_date": tomorrow.isoformat(),
            "comment": "new comment",
            f"line-{goods[0].pk}": "7",
            f"line-{goods[1].pk}": "0",
            f"line-{extra.pk}": "1",
        },
    )
    partner_client.post(f"/orders/{order.pk}/send/")

    assert form.status_code == 200
    assert saved.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.comment, order.desired_date) == (
        Status.SENT,
        "new comment",
        tomorrow,
    )
    assert list(order.lines.values_list("variant_id", "quantity")) == [
        (goods[0].pk, Decimal("7")),
        (extra.pk, Decimal("1")),
    ]


def test_the_draft_editor_shows_errors_and_keeps_what_was_typed(
    partner_client, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)

    response = partner_client.post(
        f"/orders/{order.pk}/edit/",
        {"address": "", "comment": "", f"line-{goods[0].pk}": "1.5", f"line-{goods[1].pk}": "2"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in page
    assert 'value="1.5"' in page
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("2"), Decimal("2")]


def test_the_editor_of_a_sent_order_sends_back_to_the_order(partner_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)

    response = partner_client.get(f"/orders/{order.pk}/edit/")

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"


def test_repeat_from_the_order_page_fills_the_cart(partner_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.COMPLETED)

    response = partner_client.post(f"/orders/{order.pk}/repeat/")

    assert response.status_code == 302
    assert sorted(
        CartLine.objects.filter(cart__owner=partner_admin).values_list("variant_id", "quantity")
    ) == sorted([(goods[0].pk, Decimal("2")), (goods[1].pk, Decimal("2"))])


def test_a_shipment_document_downloads_for_the_own_order_only(
    partner_client, partner_admin, goods, other_partner
):
    order = order_make(author=partner_admin, variants=goods, status=Status.SHIPPED, documents=True)
    shipment = order.shipments.get()
    foreign_admin = UserFactory(partner=other_partner)

    own = partner_client.get(f"/orders/shipments/{shipment.pk}/document/")
    foreign = client_for(foreign_admin).get(f"/orders/shipments/{shipment.pk}/document/")

    assert own.status_code == 200
    assert b"".join(own.streaming_content) == b"%PDF-1.4 " + order.number.encode()
    assert "attachment" in own["Content-Disposition"]
    assert foreign.status_code == 404


def test_a_shipment_without_a_document_is_not_found(partner_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SHIPPED)
    shipment = Shipment.objects.get(order=order)

    assert partner_client.get(f"/orders/shipments/{shipment.pk}/document/").status_code == 404


def test_another_partners_order_page_is_not_found(partner_admin, goods, other_partner):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    client = client_for(UserFactory(partner=other_partner))

    assert client.get(f"/orders/{order.pk}/").status_code == 404
    assert client.get(f"/orders/{order.pk}/download.xlsx").status_code == 404
    assert client.post(f"/orders/{order.pk}/cancel/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == Status.SENT


def test_an_employee_limited_to_another_counterparty_cannot_open_the_order(
    partner, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    employee = UserFactory(partner=partner, sections=[Section.ORDERS])
    employee.counterparties.set(partner.counterparties.exclude(pk=order.counterparty_id))

    assert client_for(employee).get(f"/orders/{order.pk}/").status_code == 404


def test_the_order_page_costs_the_same_queries_for_2_and_200_lines(
    partner, partner_admin, django_assert_max_num_queries
):
    client = client_for(partner_admin)
    small = order_make(
        author=partner_admin,
        variants=goods_make(partner, n=2),
        status=Status.SHIPPED,
        documents=True,
    )
    big = order_make(
        author=partner_admin,
        variants=goods_make(partner, n=200),
        status=Status.SHIPPED,
        documents=True,
    )
    expected = _queries(lambda: client.get(f"/orders/{small.pk}/"))

    with django_assert_max_num_queries(expected):
        response = client.get(f"/orders/{big.pk}/")

    assert response.content.decode().count('data-testid="order-line"') == 200
    assert expected <= 12
