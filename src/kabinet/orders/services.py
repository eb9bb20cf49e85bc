"""Changes to orders: status transitions (one function, one table) and what follows them.

Every status change goes through `order_transition`, which checks the table in `workflow.py`,
stores an `OrderEvent` (time, author, actor) and notifies people once the change is committed.
The partner's use cases (`order_send`, `order_recall`, `order_cancel`, `order_draft_update`,
`order_repeat`) need the catalog section — changing an order is ordering — and reach only
orders the user's scope allows (404 otherwise). The supplier's side (staff pages, the 1C
exchange) calls `order_status_set_by_supplier`, and staff queue an order for 1C again with
`order_export_requeue`.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, DeliveryAddress, Section, User
from kabinet.accounts.scope import Scope
from kabinet.approvals.gate import approval_rules_pending, approval_wait_open
from kabinet.cart.models import Cart
from kabinet.cart.services import cart_get_or_create, cart_lines_add
from kabinet.comms.services import notify_order_event
from kabinet.orders.lines import lines_price, lines_totals
from kabinet.orders.models import Order, OrderEvent, OrderLine
from kabinet.orders.selectors import RepeatPlan, order_qs, order_repeat_plan
from kabinet.orders.workflow import EDITABLE, NOT_FOR_1C, Actor, Status, can_transition
from kabinet.pricing.selectors import agreement_for

TRANSITION_REFUSED = _("An order in status “%(current)s” cannot become “%(target)s”.")
NOT_EDITABLE = _("An order in status “%(current)s” cannot be changed.")
AGREEMENT_INACTIVE = _("The order's agreement is no longer active.")
ADDRESS_UNKNOWN = _("Choose a delivery address of the order's counterparty.")
DATE_IN_PAST = _("The desired delivery date cannot be in the past.")
NOTHING_TO_REPEAT = _("None of the order's products can be ordered now.")
DRAFT_NOT_FOR_1C = _("Order %(number)s is a draft or awaits approval: such orders do not go to 1C.")


def _refused(current: str, target: str) -> ValidationError:
    return ValidationError(
        TRANSITION_REFUSED % {"current": Status(current).label, "target": Status(target).label}
    )


@transaction.atomic
def order_transition(
    *, order: Order, target: str, actor: str, author: User | None = None, comment: str = ""
) -> OrderEvent:
    """Move an order to `target` if the workflow table allows it for `actor`.

    Locks the order row so two clicks (or a click and 1C) cannot both move it; stores the event
    with time and author; a sent order is queued for 1C, and so is a cancellation of an order
    1C may have seen. Notifications follow on commit (`comms.services.notify_order_event`).
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not can_transition(locked.status, target, actor):
        raise _refused(locked.status, target)
    previous = locked.status
    locked.status = target
    update_fields = ["status", "updated_at"]
    if target == Status.SENT:
        locked.sent_at = timezone.now()
        locked.export_pending = True
        update_fields += ["sent_at", "export_pending"]
    if target == Status.CANCELLED and actor == Actor.PARTNER and locked.sent_at is not None:
        locked.export_pending = True  # 1C must learn of the cancellation
        update_fields.append("export_pending")
    locked.save(update_fields=update_fields)
    order.status, order.sent_at = locked.status, locked.sent_at
    order.export_pending = locked.export_pending
    event = OrderEvent.objects.create(
        order=locked,
        status=target,
        previous_status=previous,
        actor=actor,
        author=author,
        comment=comment,
    )
    transaction.on_commit(partial(notify_order_event, event=event))
    return event


def order_status_set_by_supplier(
    *, order: Order, target: str, author: User | None = None, comment: str = ""
) -> OrderEvent:
    """A status change by the supplier (staff pages, the 1C exchange), by the same table."""
    return order_transition(
        order=order, target=target, actor=Actor.SUPPLIER, author=author, comment=comment
    )


@transaction.atomic
def order_export_requeue(*, order_id: int, author: User) -> Order:
    """Staff send an order to 1C again: it is queued for 1C's next `mode=query`.

    For an order 1C lost or refused. Moves `updated_at` on, so a confirmation of a query made
    before this call does not take the order off the queue. Drafts never go to 1C (refused).
    """
    if not (author.is_active and author.is_staff):
        raise PermissionDenied
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise Http404
    if order.status in NOT_FOR_1C:
        raise ValidationError(DRAFT_NOT_FOR_1C % {"number": order.number})
    order.export_pending = True
    order.save(update_fields=["export_pending", "updated_at"])
    return order


def _order_locked(scope: Scope, order_id: int) -> Order:
    """One of the user's orders, locked for the rest of the transaction; else 404."""
    scope.require(Section.CATALOG)
    order = order_qs(scope).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise Http404
    return order


def _active_agreement(order: Order) -> Agreement:
    agreement = (
        Agreement.objects.filter(pk=order.agreement_id, is_active=True)
        .select_related("price_type")
        .first()
    )
    if agreement is None:
        raise ValidationError(AGREEMENT_INACTIVE)
    return agreement


@transaction.atomic
def order_cancel(*, scope: Scope, order_id: int, comment: str = "") -> OrderEvent:
    """The partner cancels an order, where the table allows it (draft, sent, shortage)."""
    order = _order_locked(scope, order_id)
    return order_transition(
        order=order,
        target=Status.CANCELLED,
        actor=Actor.PARTNER,
        author=scope.user,
        comment=comment.strip(),
    )


@transaction.atomic
def order_recall(*, scope: Scope, order_id: int) -> OrderEvent:
    """Take a sent order back to draft to edit it — only before the supplier accepts it."""
    order = _order_locked(scope, order_id)
    return order_transition(
        order=order, target=Status.DRAFT, actor=Actor.PARTNER, author=scope.user
    )


@transaction.atomic
def order_send(*, scope: Scope, order_id: int) -> OrderEvent:
    """Send a draft to the supplier: prices are read live again and frozen on the lines.

    When one of the partner's approval rules asks for it, the order waits for approval
    instead (`order_dispatch`).
    """
    order = _order_locked(scope, order_id)
    if order.status != Status.DRAFT:
        raise _refused(order.status, Status.SENT)
    lines = list(order.lines.all())
    _lines_reprice(scope=scope, order=order, lines=lines, quantities=None)
    order.save(update_fields=["total", "vat_total", "currency", "updated_at"])
    return order_dispatch(order=order, author=scope.user)


@transaction.atomic
def order_dispatch(*, order: Order, author: User, comment: str = "") -> OrderEvent:
    """Send a priced order on: to the supplier, or to approval first.

    The one way a partner's order reaches the supplier (sending a draft, checkout, approval).
    An order matched by one of the partner's approval rules, and not approved as it stands
    now, waits in "awaiting approval"; otherwise — a draft with no rule, or an order just
    approved — it is sent and queued for 1C.
    """
    if order.status == Status.DRAFT:
        rules = approval_rules_pending(order=order)
        if rules:
            event = order_transition(
                order=order, target=Status.AWAITING_APPROVAL, actor=Actor.PARTNER, author=author
            )
            approval_wait_open(order=order, rules=rules)
            return event
    elif order.status == Status.AWAITING_APPROVAL and approval_rules_pending(order=order):
        raise _refused(order.status, Status.SENT)
    return order_transition(
        order=order, target=Status.SENT, actor=Actor.PARTNER, author=author, comment=comment
    )


# Sending again after a recall is the same use case.
order_resend = order_send


@transaction.atomic
def order_draft_update(
    *,
    scope: Scope,
    order_id: int,
    address_id: int | None,
    desired_date: date | None,
    comment: str,
    lines: dict[int, Decimal],
) -> Order:
    """Change a draft's address, date, comment and lines (`{variant_id: quantity}`).

    Lines are checked by the cart's rules and priced live (provisional until sending); a
    variant left out of `lines` is removed. All or nothing: any error changes nothing.
    """
    order = _order_locked(scope, order_id)
    if order.status not in EDITABLE:
        raise ValidationError(NOT_EDITABLE % {"current": Status(order.status).label})
    if address_id is None:
        order.address = None
    else:
        order.address = DeliveryAddress.objects.filter(
            pk=address_id, counterparty_id=order.counterparty_id, is_active=True
        ).first()
        if order.address is None:
            raise ValidationError(ADDRESS_UNKNOWN)
    if desired_date is not None and desired_date < timezone.localdate():
        raise ValidationError(DATE_IN_PAST)
    order.desired_date = desired_date
    order.comment = comment.strip()
    existing = list(order.lines.all())
    _lines_reprice(scope=scope, order=order, lines=existing, quantities=lines)
    order.save(
        update_fields=[
            "address",
            "desired_date",
            "comment",
            "total",
            "vat_total",
            "currency",
            "updated_at",
        ]
    )
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        previous_status=order.status,
        actor=Actor.PARTNER,
        author=scope.user,
    )
    return order


def _lines_reprice(
    *, scope: Scope, order: Order, lines: list[OrderLine], quantities: dict[int, Decimal] | None
) -> None:
    """Replace the order's lines by `quantities` (None: keep them), priced live.

    Sets the new totals on `order`; the caller saves it.
    """
    agreement = _active_agreement(order)
    by_variant = {line.variant_id: line for line in lines}
    if quantities is None:
        quantities = {line.variant_id: line.quantity for line in lines}
    priced = lines_price(
        scope=scope,
        agreement=agreement,
        quantities=quantities,
        names={line.variant_id: line.product_name for line in lines},
    )
    updated, created = [], []
    for sort, p in enumerate(priced):
        line = by_variant.get(p.variant_id) or OrderLine(order=order, variant_id=p.variant_id)
        line.product_name, line.article, line.unit = p.product_name, p.article, p.unit
        line.quantity, line.price, line.vat_rate, line.amount = (
            p.quantity,
            p.price,
            p.vat_rate,
            p.amount,
        )
        line.sort = sort
        (updated if line.pk else created).append(line)
    # Lines left out go, and so would a second line of the same variant.
    OrderLine.objects.filter(order=order).exclude(pk__in=[line.pk for line in updated]).delete()
    fields = ["product_name", "article", "unit", "quantity", "price", "vat_rate", "amount", "sort"]
    OrderLine.objects.bulk_update(updated, fields)
    OrderLine.objects.bulk_create(created)
    order.total, order.vat_total = lines_totals(priced)
    order.currency = agreement.price_type.currency if agreement.price_type else agreement.currency


@dataclass
class RepeatResult:
    cart: Cart | None
    plan: RepeatPlan | None = None  # the agreement used, today's prices against the order's
    added: list[OrderLine] = field(default_factory=list)
    skipped: list[OrderLine] = field(default_factory=list)  # no longer orderable


@transaction.atomic
def order_repeat(
    *,
    scope: Scope,
    order_id: int,
    agreement_id: int | None = None,
    into_cart: Cart | None = None,
) -> RepeatResult:
    """Add the order's still-orderable lines, at their ordered quantities, to a cart (C4).

    `agreement_id`: the agreement to order under now — any active one the user may act for
    (404 otherwise), e.g. the one they work with, which may be another than the order's; by
    default the order's own (refused once it has ended). Prices are that agreement's prices of
    today: `result.plan` compares them with the order's. `into_cart`: the cart to fill; by
    default the user's working cart for the agreement's counterparty. Lines whose product
    cannot be ordered now are skipped and reported; when none is left, nothing changes.
    """
    scope.require(Section.CATALOG)
    order = order_qs(scope).select_related("counterparty").filter(pk=order_id).first()
    if order is None:
        raise Http404
    if agreement_id is None:
        agreement = _active_agreement(order)
    else:
        agreement = agreement_for(scope, agreement_id)
    plan = order_repeat_plan(scope=scope, order=order, agreement=agreement)
    items: dict[int, Decimal] = {}
    for repeated in plan.lines:
        line = repeated.line
        items[line.variant_id] = items.get(line.variant_id, Decimal(0)) + line.quantity
    if not items:
        raise ValidationError(NOTHING_TO_REPEAT)
    cart = into_cart or cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )
    cart_lines_add(scope=scope, cart=cart, items=items)
    return RepeatResult(
        cart=cart,
        plan=plan,
        added=[repeated.line for repeated in plan.lines],
        skipped=plan.skipped,
    )
