"""Changes to orders: status transitions (one function, one table) and what follows them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.accounts.models import User
from kabinet.orders.models import Order, OrderEvent
from kabinet.orders.workflow import Actor, Status, can_transition

TRANSITION_REFUSED = _("An order in status “%(current)s” cannot become “%(target)s”.")


@transaction.atomic
def order_transition(
    *, order: Order, target: str, actor: str, author: User | None = None, comment: str = ""
) -> OrderEvent:
    """Move an order to `target` if the workflow table allows it for `actor`.

    Locks the order row so two clicks (or a click and 1C) cannot both move it; stores the event
    with time and author; a sent order is queued for 1C. Notifications follow on commit.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not can_transition(locked.status, target, actor):
        raise ValidationError(
            TRANSITION_REFUSED
            % {"current": Status(locked.status).label, "target": Status(target).label}
        )
    previous = locked.status
    locked.status = target
    update_fields = ["status", "updated_at"]
    if target == Status.SENT:
        locked.sent_at = timezone.now()
        locked.export_pending = True
        update_fields += ["sent_at", "export_pending"]
    if target == Status.CANCELLED and actor == Actor.PARTNER and previous != Status.DRAFT:
        locked.export_pending = True  # 1C must learn of the cancellation
        update_fields.append("export_pending")
    locked.save(update_fields=update_fields)
    order.status, order.sent_at = locked.status, locked.sent_at
    event = OrderEvent.objects.create(
        order=locked, status=target, previous_status=previous, actor=actor, author=author,
        comment=comment,
    )
    return event
