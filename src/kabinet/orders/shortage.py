"""The partner's answer to a shortage (дефектура, E3).

1C confirmed less than was ordered on some lines (`confirmed_quantity < quantity`) and the order
is in "shortage to confirm". The partner answers per line: accept the confirmed quantity, or
reject — drop the line. The order then goes back to "accepted" and to 1C with the answers.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kabinet.accounts.scope import Scope
from kabinet.core.money import money, vat_of_gross
from kabinet.orders.models import Order, OrderEvent, OrderLine
from kabinet.orders.services import _order_locked, order_transition
from kabinet.orders.workflow import Actor, Status

ACCEPT, REJECT = "accepted", "rejected"
NOT_IN_SHORTAGE = _("This order has no shortage to answer.")
ANSWER_EVERY_LINE = _("Answer every line with a shortage: accept or reject.")


def shortage_lines(order: Order) -> list[OrderLine]:
    return [
        line
        for line in order.lines.all()
        if line.confirmed_quantity is not None and line.confirmed_quantity < line.quantity
    ]


@transaction.atomic
def order_shortage_answer(*, scope: Scope, order_id: int, answers: dict[int, str]) -> OrderEvent:
    """Store the per-line answers, recount the order, and hand it back to the supplier."""
    order = _order_locked(scope, order_id)
    if order.status != Status.SHORTAGE:
        raise ValidationError(NOT_IN_SHORTAGE)
    lines = shortage_lines(order)
    if not lines or any(answers.get(line.pk) not in (ACCEPT, REJECT) for line in lines):
        raise ValidationError(ANSWER_EVERY_LINE)
    for line in lines:
        line.shortage_answer = answers[line.pk]
        if line.shortage_answer == REJECT:
            line.confirmed_quantity = Decimal(0)
        line.amount = money(line.price * line.confirmed_quantity)
    OrderLine.objects.bulk_update(lines, ["shortage_answer", "confirmed_quantity", "amount"])
    all_lines = list(order.lines.all())
    order.total = money(sum((line.amount for line in all_lines), Decimal(0)))
    order.vat_total = money(
        sum((vat_of_gross(line.amount, line.vat_rate) for line in all_lines), Decimal(0))
    )
    order.export_pending = True  # the answers go back to 1C on its next query
    order.save(update_fields=["total", "vat_total", "export_pending", "updated_at"])
    accepted = sum(1 for line in lines if line.shortage_answer == ACCEPT)
    comment = _("Shortage answered: %(accepted)s accepted, %(rejected)s rejected.") % {
        "accepted": accepted,
        "rejected": len(lines) - accepted,
    }
    return order_transition(
        order=order, target=Status.ACCEPTED, actor=Actor.PARTNER, author=scope.user, comment=comment
    )
