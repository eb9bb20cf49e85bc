"""Whether an order must wait for approval before it goes to the supplier.

`orders.services.order_dispatch` asks `approval_rules_pending` each time a partner's order is
about to be sent; this module reads rules and approvals only, and imports nothing of the
order services (they import it).
"""

import hashlib

from kabinet.approvals.models import ApprovalRule, ApprovalState, OrderApproval
from kabinet.orders.models import Order


def order_fingerprint(order: Order) -> str:
    """The content an approval is given for: terms, lines with their prices, the total."""
    lines = order.lines.order_by("variant_id", "pk").values_list("variant_id", "quantity", "price")
    parts = [
        order.counterparty_id,
        order.agreement_id,
        order.address_id,
        order.desired_date,
        order.comment,
        order.currency,
        f"{order.total:.2f}",
        *(f"{v}:{q.normalize():f}:{p:.2f}" for v, q, p in lines),
    ]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def approval_rules_matching(order: Order) -> list[ApprovalRule]:
    """The partner's rules that the order, as it stands, falls under."""
    rules = list(ApprovalRule.objects.filter(partner_id=order.partner_id))
    if not rules:
        return []
    line_count = order.lines.count()
    return [
        rule
        for rule in rules
        if rule.matches(
            total=order.total,
            line_count=line_count,
            counterparty_id=order.counterparty_id,
            author_id=order.author_id,
        )
    ]


def approval_rules_pending(*, order: Order) -> list[ApprovalRule]:
    """The rules asking for approval that the order has not had yet (empty: it may go).

    An approval holds for the content it was given for: the same order changed since (lines,
    quantities, prices, terms) needs a new one.
    """
    rules = approval_rules_matching(order)
    if not rules:
        return []
    approved = OrderApproval.objects.filter(
        order_id=order.pk, state=ApprovalState.APPROVED, fingerprint=order_fingerprint(order)
    )
    return [] if approved.exists() else rules


def approval_wait_open(*, order: Order, rules: list[ApprovalRule]) -> OrderApproval:
    """The order starts waiting: an earlier wait still open (it was taken back) is closed."""
    OrderApproval.objects.filter(order_id=order.pk, state=ApprovalState.PENDING).update(
        state=ApprovalState.WITHDRAWN
    )
    approval = OrderApproval.objects.create(order_id=order.pk, fingerprint=order_fingerprint(order))
    approval.rules.set(rules)
    return approval
