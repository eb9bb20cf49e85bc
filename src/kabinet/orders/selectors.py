"""Reads of orders, always through a Scope.

A partner's users see every order of their partner (A3: colleagues see each other's orders);
an employee limited to some counterparties sees only those counterparties' orders. "Missing"
and "not yours" are both 404.

The list reads one page by the (partner, -created_at) index: two queries (count + page)
whatever the number of orders; the order page reads the order and its lines, events,
shipments and shipment lines in five queries whatever the number of lines.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.models import Agreement, DeliveryAddress, Section
from kabinet.accounts.scope import Scope
from kabinet.core.money import money
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment, ShipmentLine
from kabinet.orders.workflow import EDITABLE, IN_WORK, Actor, Status, next_statuses
from kabinet.pricing.selectors import orderable_variants, prices_for, pricing_context

MAX_PER_PAGE = 200


class StatusGroup:
    DRAFTS = "drafts"
    IN_WORK = "in_work"
    DONE = "done"


STATUS_GROUPS: dict[str, frozenset[str]] = {
    StatusGroup.DRAFTS: frozenset({Status.DRAFT}),
    StatusGroup.IN_WORK: IN_WORK | {Status.AWAITING_APPROVAL},
    StatusGroup.DONE: frozenset({Status.COMPLETED, Status.CANCELLED}),
}


def order_qs(scope: Scope) -> QuerySet[Order]:
    """Every order the user may see."""
    qs = Order.objects.filter(partner_id=scope.partner_id)
    if scope.counterparty_ids is not None:
        qs = qs.filter(counterparty_id__in=scope.counterparty_ids)
    return qs


def statuses_of(status: str | None) -> frozenset[str] | None:
    """The statuses a filter value means: a group name, one status, or None for all."""
    if not status:
        return None
    if status in STATUS_GROUPS:
        return STATUS_GROUPS[status]
    if status in Status.values:
        return frozenset({status})
    raise ValueError(f"unknown order status or group: {status!r}")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def order_filtered(
    *,
    scope: Scope,
    counterparty_id: int | None = None,
    status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    number: str = "",
) -> QuerySet[Order]:
    """The user's orders matching the filters, newest first (the list and its exports).

    Dates are days in the current time zone, both ends included; `number` finds the portal's
    number or the number in 1C by a part of it.
    """
    qs = order_qs(scope)
    if counterparty_id is not None:
        qs = qs.filter(counterparty_id=counterparty_id)
    statuses = statuses_of(status)
    if statuses is not None:
        qs = qs.filter(status__in=sorted(statuses))
    if date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    if number := number.strip():
        qs = qs.filter(Q(number__icontains=number) | Q(erp_number__icontains=number))
    return qs.order_by("-created_at", "-pk")


def order_list(
    *,
    scope: Scope,
    counterparty_id: int | None = None,
    status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    number: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """One page of the user's orders (with counterparty and author), filtered as asked."""
    qs = order_filtered(
        scope=scope,
        counterparty_id=counterparty_id,
        status=status,
        date_from=date_from,
        date_to=date_to,
        number=number,
    ).select_related("counterparty", "author")
    paginator = Paginator(qs, max(1, min(per_page, MAX_PER_PAGE)))
    return paginator.get_page(page)


def order_detail(*, scope: Scope, order_id: int) -> Order:
    """The order with its header relations, lines, history and shipments, in five queries."""
    qs = (
        order_qs(scope)
        .select_related("counterparty", "agreement", "address", "author")
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=OrderEvent.objects.select_related("author")),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.prefetch_related(
                    Prefetch("lines", queryset=ShipmentLine.objects.order_by("pk"))
                ),
            ),
        )
    )
    order = qs.filter(pk=order_id).first()
    if order is None:
        raise Http404
    lines = {line.pk: line for line in order.lines.all()}
    for shipment in order.shipments.all():
        for shipment_line in shipment.lines.all():
            shipment_line.order_line = lines[shipment_line.order_line_id]  # no query per line
    return order


def order_for_edit(*, scope: Scope, order_id: int) -> Order:
    """The order with its lines and their products (for quantity steps), else 404."""
    order = (
        order_qs(scope)
        .select_related("counterparty", "agreement", "address")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("variant__product"))
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise Http404
    return order


def order_addresses(order: Order) -> list[DeliveryAddress]:
    """Where the order may go: the active addresses of its counterparty."""
    return list(
        DeliveryAddress.objects.filter(counterparty_id=order.counterparty_id, is_active=True)
    )


def shipment_get(scope: Scope, shipment_id: int) -> Shipment:
    """A shipment of one of the user's orders, else 404."""
    shipment = (
        Shipment.objects.filter(pk=shipment_id, order__in=order_qs(scope))
        .select_related("order")
        .first()
    )
    if shipment is None:
        raise Http404
    return shipment


@dataclass(frozen=True)
class OrderActions:
    """What the partner may do with an order now (the table decides; sections too)."""

    send: bool = False
    recall: bool = False
    cancel: bool = False
    edit: bool = False
    repeat: bool = False

    @property
    def any(self) -> bool:
        return self.send or self.recall or self.cancel or self.edit or self.repeat


def order_actions(scope: Scope, order: Order) -> OrderActions:
    """Changing an order is ordering: it needs the catalog section as well as orders."""
    if not (scope.can(Section.CATALOG) and scope.can(Section.ORDERS)):
        return OrderActions()
    targets = set(next_statuses(order.status, Actor.PARTNER))
    return OrderActions(
        send=order.status == Status.DRAFT and Status.SENT in targets,
        recall=order.status in (Status.SENT, Status.AWAITING_APPROVAL) and Status.DRAFT in targets,
        cancel=Status.CANCELLED in targets,
        edit=order.status in EDITABLE,
        repeat=order.status != Status.DRAFT,
    )


@dataclass(frozen=True)
class RepeatLine:
    """An order line as it would be ordered again: its price then and today's price."""

    line: OrderLine
    price: Decimal  # today's, under the plan's agreement

    @property
    def changed(self) -> bool:
        return self.price != self.line.price


@dataclass
class RepeatPlan:
    """What repeating an order under `agreement` gives, at today's prices of that agreement."""

    order: Order
    agreement: Agreement
    currency: str
    lines: list[RepeatLine] = field(default_factory=list)
    skipped: list[OrderLine] = field(default_factory=list)  # not orderable under it now

    @property
    def changed(self) -> list[RepeatLine]:
        return [line for line in self.lines if line.changed]

    @property
    def ordered_total(self) -> Decimal:
        """The repeated lines at the order's prices."""
        return money(sum((r.line.price * r.line.quantity for r in self.lines), Decimal(0)))

    @property
    def today_total(self) -> Decimal:
        return money(sum((r.price * r.line.quantity for r in self.lines), Decimal(0)))

    @property
    def comparable(self) -> bool:
        return self.currency == self.order.currency

    @property
    def difference_percent(self) -> Decimal | None:
        """How much dearer (+) or cheaper (−) the repeated lines are today, in %."""
        before = self.ordered_total
        if not self.comparable or not before:
            return None
        return (self.today_total - before) * 100 / before


def order_agreement_id(*, scope: Scope, order_id: int) -> int:
    """The agreement of one of the user's orders, else 404."""
    agreement_id = order_qs(scope).filter(pk=order_id).values_list("agreement_id", flat=True)
    agreement_id = agreement_id.first()
    if agreement_id is None:
        raise Http404
    return agreement_id


def order_agreement_active(order: Order) -> Agreement | None:
    """The order's agreement while it is active (the order is one the user may see); None
    once it has ended."""
    return (
        Agreement.objects.filter(pk=order.agreement_id, is_active=True)
        .select_related("price_type", "counterparty")
        .first()
    )


def order_repeat_plan(*, scope: Scope, order: Order, agreement: Agreement) -> RepeatPlan:
    """Price the order's lines under `agreement` today (the caller checked both are the
    user's): which can be ordered, at which price, and how that compares with the order."""
    context = pricing_context(scope=scope, agreement=agreement)
    lines = list(order.lines.all())
    variant_ids = {line.variant_id for line in lines}
    orderable = set(
        orderable_variants(context).filter(pk__in=list(variant_ids)).values_list("pk", flat=True)
    )
    prices = prices_for(context=context, variant_ids=orderable)
    plan = RepeatPlan(order=order, agreement=agreement, currency=context.currency)
    for line in lines:
        price = prices.get(line.variant_id)
        if line.variant_id in orderable and price is not None:
            plan.lines.append(RepeatLine(line=line, price=price.amount))
        else:
            plan.skipped.append(line)
    return plan
