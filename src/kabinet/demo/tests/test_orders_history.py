import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import connection
from django.db.models import Count, F, Sum
from django.test.utils import CaptureQueriesContext

from kabinet.accounts.models import Section
from kabinet.core.money import money, vat_of_gross
from kabinet.demo.generator import demo_generate
from kabinet.demo.orders_history import orders_history_generate
from kabinet.orders.checkout import order_number
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment, ShipmentLine
from kabinet.orders.workflow import Status, can_transition
from kabinet.pricing.models import PartnerPrice, Price

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def history(db):
    demo_generate(partners=6, skus=800, months=0)
    return orders_history_generate(months=12, orders_per_partner_month=5, seed=3, now=NOW)


def test_orders_totals_equal_the_sums_of_their_lines(history):
    lines: dict[int, list[OrderLine]] = {}
    for line in OrderLine.objects.all():
        lines.setdefault(line.order_id, []).append(line)
    orders = list(Order.objects.all())
    assert len(orders) == history.orders > 200
    for order in orders:
        assert lines[order.pk]
        assert order.total == money(sum(line.amount for line in lines[order.pk]))
        assert order.vat_total == money(
            sum(vat_of_gross(line.amount, line.vat_rate) for line in lines[order.pk])
        )
        for line in lines[order.pk]:
            assert line.amount == money(line.price * line.quantity)
            assert line.quantity % line.variant.product.order_multiple == 0


def test_orders_belong_to_their_counterpartys_partner_and_people(history):
    assert not Order.objects.exclude(partner_id=F("counterparty__partner_id")).exists()
    assert not Order.objects.exclude(counterparty_id=F("agreement__counterparty_id")).exists()
    assert (
        not Order.objects.filter(address__isnull=False)
        .exclude(address__counterparty_id=F("counterparty_id"))
        .exists()
    )
    authored = Order.objects.filter(author__isnull=False)
    assert not authored.exclude(author__partner_id=F("partner_id")).exists()
    for sections in authored.values_list("author__sections", flat=True).distinct():
        assert Section.CATALOG in sections
    assert set(Order.objects.values_list("partner_id", flat=True)) == set(
        Order.objects.values_list("counterparty__partner_id", flat=True)
    )


def test_this_months_lines_carry_the_agreements_price_of_today(history):
    lines = OrderLine.objects.filter(order__created_at__gte=datetime(2026, 3, 1, tzinfo=UTC))
    prices = {
        (v, t): a for v, t, a in Price.objects.values_list("variant_id", "price_type_id", "amount")
    }
    own = set(PartnerPrice.objects.values_list("partner_id", "variant_id"))
    checked = 0
    for variant_id, price, partner_id, price_type_id in lines.values_list(
        "variant_id", "price", "order__partner_id", "order__agreement__price_type_id"
    ):
        if (partner_id, variant_id) not in own:
            assert price == prices[(variant_id, price_type_id)]
            checked += 1
    assert checked > 20


def test_every_order_walks_the_workflow_step_by_step_up_to_its_status(history):
    events: dict[int, list[OrderEvent]] = {}
    for event in OrderEvent.objects.order_by("created_at", "pk"):
        events.setdefault(event.order_id, []).append(event)
    for order in Order.objects.all():
        steps = events[order.pk]
        assert steps[0].previous_status == ""
        assert steps[0].status == (Status.ACCEPTED if order.created_in_erp else Status.DRAFT)
        for before, after in pairwise(steps):
            assert after.previous_status == before.status
            assert can_transition(before.status, after.status, after.actor)
            assert after.created_at >= before.created_at
        assert steps[-1].status == order.status
        assert steps[-1].created_at <= NOW
        assert (order.sent_at is not None) == any(e.status == Status.SENT for e in steps)


def test_history_is_mostly_completed_with_some_of_every_other_kind(history):
    statuses = Counter(Order.objects.values_list("status", flat=True))
    assert statuses[Status.COMPLETED] > 0.8 * history.orders
    assert statuses[Status.CANCELLED] >= 1
    assert statuses[Status.DRAFT] >= 1
    assert statuses[Status.SHORTAGE] >= 1
    in_work = (Status.SENT, Status.ACCEPTED, Status.ASSEMBLING, Status.SHIPPED)
    assert sum(statuses[s] for s in in_work) >= 1
    from_erp = Order.objects.filter(created_in_erp=True)
    assert from_erp.exists()
    assert not from_erp.filter(author__isnull=False).exists()
    assert not from_erp.filter(erp_number="").exists()
    shortage = Order.objects.get(status=Status.SHORTAGE)
    assert shortage.lines.filter(confirmed_quantity__lt=F("quantity")).count() == 1


def test_shipped_orders_have_shipments_covering_what_left(history):
    shipped = Order.objects.filter(status__in=[Status.SHIPPED, Status.COMPLETED])
    assert not shipped.annotate(n=Count("shipments")).filter(n=0).exists()
    assert not Shipment.objects.exclude(order__in=shipped).exists()
    sums = dict(
        ShipmentLine.objects.values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    for line in OrderLine.objects.select_related("order"):
        assert line.shipped_quantity == sums.get(line.pk, Decimal(0))
        if line.order.status == Status.COMPLETED:
            assert line.shipped_quantity == line.confirmed_quantity
    document = Shipment.objects.first()
    assert document.document_title == f"УПД № {document.number} от {document.date:%d.%m.%Y}"


def test_numbers_are_the_checkouts_unique_and_in_time_order(history):
    orders = list(Order.objects.order_by("pk"))
    for order in orders:
        assert re.fullmatch(r"К-20\d\d-\d{6}", order.number)
        assert order.number == order_number(order)
    assert [o.created_at for o in orders] == sorted(o.created_at for o in orders)
    assert Order.objects.values("number").distinct().count() == len(orders)


def test_new_rows_after_the_history_get_fresh_ids(history):
    last = Order.objects.order_by("-pk").first()
    order = Order.objects.create(
        number="new",
        partner=last.partner,
        counterparty=last.counterparty,
        agreement=last.agreement,
    )
    assert order.pk == last.pk + 1


def test_history_reads_do_not_grow_with_the_years(db):
    demo_generate(partners=3, skus=300, months=0)

    def reads(months: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            orders_history_generate(months=months, orders_per_partner_month=3, now=NOW)
        return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT"))

    assert reads(1) == reads(12)
