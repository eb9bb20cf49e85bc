"""The claim workflow (I3) as one explicit transition table.

    new → in review → accepted / partly accepted / rejected
    accepted, partly accepted → resolved (by replacement, credit note or return)

Only the supplier's staff move a claim; a rejected or resolved claim is final. Anything not in
the table is refused.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class ClaimStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("claim status", "New")
    IN_REVIEW = "in_review", pgettext_lazy("claim status", "In review")
    ACCEPTED = "accepted", pgettext_lazy("claim status", "Accepted")
    PARTLY_ACCEPTED = "partly_accepted", pgettext_lazy("claim status", "Partly accepted")
    REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")
    RESOLVED = "resolved", pgettext_lazy("claim status", "Resolved")


class ClaimReason(models.TextChoices):
    DEFECT = "defect", pgettext_lazy("claim reason", "Defect")
    SHORTAGE = "shortage", pgettext_lazy("claim reason", "Shortage")
    SURPLUS = "surplus", pgettext_lazy("claim reason", "Surplus")
    WRONG_ITEM = "wrong_item", pgettext_lazy("claim reason", "Wrong item")
    DAMAGED_PACKAGING = "damaged_packaging", pgettext_lazy("claim reason", "Damaged packaging")
    EXPIRY = "expiry", pgettext_lazy("claim reason", "Expiry date")


class Resolution(models.TextChoices):
    REPLACEMENT = "replacement", pgettext_lazy("claim resolution", "Replacement")
    CREDIT_NOTE = "credit_note", pgettext_lazy("claim resolution", "Credit note")
    RETURN = "return", pgettext_lazy("claim resolution", "Return")


TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (ClaimStatus.NEW, ClaimStatus.IN_REVIEW),
        (ClaimStatus.IN_REVIEW, ClaimStatus.ACCEPTED),
        (ClaimStatus.IN_REVIEW, ClaimStatus.PARTLY_ACCEPTED),
        (ClaimStatus.IN_REVIEW, ClaimStatus.REJECTED),
        (ClaimStatus.ACCEPTED, ClaimStatus.RESOLVED),
        (ClaimStatus.PARTLY_ACCEPTED, ClaimStatus.RESOLVED),
    }
)

# The order statuses from which a partner may open a claim: something has been shipped.
CLAIMABLE_ORDER_STATUSES = frozenset({"shipped", "completed"})


def can_transition(current: str, target: str) -> bool:
    return (current, target) in TRANSITIONS


def next_statuses(current: str) -> list[str]:
    """The statuses a claim may move to next, in the order of the statuses' list."""
    return [status.value for status in ClaimStatus if (current, status.value) in TRANSITIONS]
