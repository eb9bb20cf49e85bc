"""Reads of orders, always through a Scope.

A partner's users see every order of their partner (A3: colleagues see each other's orders);
an employee limited to some counterparties sees only those counterparties' orders. "Missing"
and "not yours" are both 404.

The list reads one page by the (partner, -created_at) index: two queries (count + page)
whatever the number of orders; the order page reads the order and its lines, events,
shipments and shipment lines in five queries whatever the number of lines.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.models import DeliveryAddress, Section
from kabinet.accounts.scope import Scope
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment, ShipmentLine
from kabinet.orders.workflow import EDITABLE, IN_WORK, Actor, Status, next_statuses

MAX_PER_PAGE = 200


class StatusGroup:
    DRAFTS = "drafts"
    IN_WORK = "in_work"
    DONE = "done"


STATUS_GROUPS: dict[str, frozenset[str]] = {
    StatusGroup.DRAFTS: frozenset({Status.DRAFT}),
    StatusGroup.IN_WORK: IN_WORK,
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
        recall=order.status == Status.SENT and Status.DRAFT in targets,
        cancel=Status.CANCELLED in targets,
        edit=order.status in EDITABLE,
        repeat=order.status != Status.DRAFT,
    )
