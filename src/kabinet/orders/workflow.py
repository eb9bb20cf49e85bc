"""The order status workflow (E2) as one explicit transition table.

    draft → sent → accepted → (shortage → accepted) → assembling → shipped → completed
    cancelled from draft, sent, accepted, shortage; a sent order may be recalled to draft.

    draft → awaiting approval → sent, when one of the partner's approval rules (the
    `approvals` app) matches the order: an approver of the partner sends it on, or returns it
    to draft; its author may take it back to draft or cancel it. It never goes to 1C.

Each transition names who may make it: the partner (in the portal), the supplier (staff or
1C). Anything not in the table is refused.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    SHORTAGE = "shortage", _("Shortage to confirm")
    ASSEMBLING = "assembling", _("Being assembled")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    # Last, so that lists of "one order in each status" built in order keep their places.
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")


class Actor(models.TextChoices):
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")


P, S = Actor.PARTNER, Actor.SUPPLIER

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.DRAFT, Status.SENT): frozenset({P}),
    (Status.DRAFT, Status.CANCELLED): frozenset({P}),
    (Status.DRAFT, Status.AWAITING_APPROVAL): frozenset({P}),
    (Status.AWAITING_APPROVAL, Status.SENT): frozenset({P}),  # approved
    (Status.AWAITING_APPROVAL, Status.DRAFT): frozenset({P}),  # returned, or taken back
    (Status.AWAITING_APPROVAL, Status.CANCELLED): frozenset({P}),
    (Status.SENT, Status.DRAFT): frozenset({P}),  # recall to edit, before the supplier accepts
    (Status.SENT, Status.ACCEPTED): frozenset({S}),
    (Status.SENT, Status.CANCELLED): frozenset({P, S}),
    (Status.ACCEPTED, Status.SHORTAGE): frozenset({S}),
    (Status.ACCEPTED, Status.ASSEMBLING): frozenset({S}),
    (Status.ACCEPTED, Status.CANCELLED): frozenset({S}),
    (Status.SHORTAGE, Status.ACCEPTED): frozenset({P, S}),  # the partner answered the shortage
    (Status.SHORTAGE, Status.CANCELLED): frozenset({P, S}),
    (Status.ASSEMBLING, Status.SHIPPED): frozenset({S}),
    (Status.SHIPPED, Status.COMPLETED): frozenset({S}),
}

# Statuses in which the partner may change lines, address, date and comment.
EDITABLE = frozenset({Status.DRAFT})
# Statuses whose orders never go to 1C: the supplier does not know of them yet.
NOT_FOR_1C = frozenset({Status.DRAFT, Status.AWAITING_APPROVAL})
# Statuses that count as "in work" in the order list.
IN_WORK = frozenset(
    {Status.SENT, Status.ACCEPTED, Status.SHORTAGE, Status.ASSEMBLING, Status.SHIPPED}
)


def can_transition(current: str, target: str, actor: str) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())


def next_statuses(current: str, actor: str) -> list[str]:
    return [
        target
        for (source, target), actors in TRANSITIONS.items()
        if source == current and actor in actors
    ]
