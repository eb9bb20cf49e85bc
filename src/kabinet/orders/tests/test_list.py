import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.orders.models import Order
from kabinet.orders.selectors import order_list
from kabinet.orders.tests.factories import goods_make, order_make, orders_make
from kabinet.orders.workflow import Status


def _numbers(page) -> list[str]:
    return [order.number for order in page.object_list]


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


@pytest.fixture
def orders(partner):
    """Eight orders, one per status, over the partner's two counterparties, newest first."""
    return orders_make(partner, n=8)


def test_the_list_shows_the_partners_orders_newest_first(scope, orders, other_partner):
    orders_make(other_partner, n=3)

    page = order_list(scope=scope)

    assert _numbers(page) == [o.number for o in orders]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("drafts", [Status.DRAFT]),
        (
            "in_work",
            [Status.SENT, Status.ACCEPTED, Status.SHORTAGE, Status.ASSEMBLING, Status.SHIPPED],
        ),
        ("done", [Status.COMPLETED, Status.CANCELLED]),
        (Status.SHORTAGE, [Status.SHORTAGE]),
        (None, list(Status.values)[:8]),  # the eight made, awaiting approval (last) not
    ],
)
def test_the_list_filters_by_status_or_group(scope, orders, status, expected):
    page = order_list(scope=scope, status=status)

    assert [o.status for o in page.object_list] == expected


def test_an_order_awaiting_approval_is_in_work(scope, partner_admin):
    waiting = order_make(
        author=partner_admin,
        variants=goods_make(partner_admin.partner, n=1),
        status=Status.AWAITING_APPROVAL,
    )

    assert [o.pk for o in order_list(scope=scope, status="in_work").object_list] == [waiting.pk]
    assert list(order_list(scope=scope, status="drafts").object_list) == []


def test_the_list_filters_by_counterparty(scope, orders):
    counterparty_id = orders[1].counterparty_id

    page = order_list(scope=scope, counterparty_id=counterparty_id)

    assert _numbers(page) == [o.number for o in orders if o.counterparty_id == counterparty_id]
    assert len(page.object_list) == 4


def test_the_list_filters_by_period_both_days_included(scope, orders):
    today = timezone.localdate(orders[0].created_at)

    page = order_list(
        scope=scope,
        date_from=today - datetime.timedelta(days=3),
        date_to=today - datetime.timedelta(days=1),
    )

    assert _numbers(page) == [orders[1].number, orders[2].number, orders[3].number]


def test_the_list_finds_an_order_by_a_part_of_its_number_or_its_number_in_1c(scope, orders):
    target = orders[3]

    by_number = order_list(scope=scope, number=f" {target.number[-4:].lower()} ")
    by_erp_number = order_list(scope=scope, number=target.erp_number)

    assert _numbers(by_number) == [target.number]
    assert _numbers(by_erp_number) == [target.number]


def test_the_list_paginates(scope, orders):
    page = order_list(scope=scope, page=2, per_page=3)

    assert _numbers(page) == [o.number for o in orders[3:6]]
    assert (page.paginator.count, page.paginator.num_pages) == (8, 3)


def test_colleagues_see_each_others_orders(partner, orders):
    colleague = UserFactory(partner=partner, sections=[Section.ORDERS])

    page = order_list(scope=scope_for(colleague))

    assert _numbers(page) == [o.number for o in orders]


def test_an_employee_limited_to_a_counterparty_sees_only_its_orders(partner, orders):
    counterparty = partner.counterparties.order_by("pk").last()
    employee = UserFactory(partner=partner, sections=[Section.ORDERS])
    employee.counterparties.set([counterparty])
    scope = scope_for(employee)

    page = order_list(scope=scope)
    # Asking for another counterparty gives nothing, not that counterparty's orders.
    other = order_list(scope=scope, counterparty_id=orders[0].counterparty_id)

    assert _numbers(page) == [o.number for o in orders if o.counterparty_id == counterparty.pk]
    assert page.paginator.count == 4
    assert list(other.object_list) == []


def test_the_list_page_shows_rows_tabs_and_the_1c_mark(partner_client, orders):
    response = partner_client.get("/orders/", {"tab": "in_work"})

    page = response.content.decode()
    assert response.status_code == 200
    in_work = [
        o for o in orders if o.status in {"sent", "accepted", "shortage", "assembling", "shipped"}
    ]
    assert [o.number in page for o in orders] == [o in in_work for o in orders]
    assert page.count('data-testid="order-row"') == 5
    assert page.count('data-testid="erp-mark"') == sum(o.created_in_erp for o in in_work)


def test_the_list_page_filters_by_number_from_the_query_string(partner_client, orders):
    response = partner_client.get("/orders/", {"number": orders[2].number})

    page = response.content.decode()
    assert page.count('data-testid="order-row"') == 1
    assert orders[2].number in page


def test_htmx_gets_only_the_rows(partner_client, orders):
    response = partner_client.get(
        "/orders/", {"status": Status.DRAFT}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="order-rows">')
    assert "<html" not in page
    assert page.count('data-testid="order-row"') == 1


def test_a_bad_filter_value_is_ignored(partner_client, orders):
    response = partner_client.get(
        "/orders/", {"date_from": "yesterday", "counterparty": "abc", "status": "lost"}
    )

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="order-row"') == 8


def test_the_list_page_needs_the_orders_section(partner):
    catalog_only = UserFactory(partner=partner, sections=[Section.CATALOG])

    assert client_for(catalog_only).get("/orders/").status_code == 403


def test_the_list_page_costs_the_same_queries_for_5_and_50_orders(
    partner, partner_admin, goods, django_assert_max_num_queries
):
    client = client_for(partner_admin)
    for _n in range(5):
        order_make(author=partner_admin, variants=goods, status=Status.SENT)
    small = _queries(lambda: client.get("/orders/"))
    for _n in range(45):
        order_make(author=partner_admin, variants=goods, status=Status.SHIPPED)

    with django_assert_max_num_queries(small):
        response = client.get("/orders/")

    assert response.content.decode().count('data-testid="order-row"') == 50
    assert Order.objects.count() == 50
    assert small <= 12
