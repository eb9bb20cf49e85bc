"""Buyer-side approval rules (A7) and each time an order waited for approval.

A rule of a partner matches an order when every condition it sets holds (total above an
amount, more than N lines, one counterparty, one author); a rule with no condition matches
every order. Rules name who approves: a colleague, or anyone of the partner with a section.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Section


class ApprovalRule(models.Model):
    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="approval_rules"
    )
    total_above = models.DecimalField(
        _("order total above"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    lines_above = models.PositiveIntegerField(_("more lines than"), null=True, blank=True)
    counterparty = models.ForeignKey(
        "accounts.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    employee = models.ForeignKey(
        "accounts.User",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the orders of all employees."),
    )
    approver = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approver"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    approver_section = models.CharField(
        _("anyone with the section"), max_length=20, choices=Section.choices, blank=True
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(approver__isnull=False) & Q(approver_section=""))
                | (Q(approver__isnull=True) & ~Q(approver_section="")),
                name="approval_rule_one_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def matches(self, *, total, line_count: int, counterparty_id: int, author_id) -> bool:
        return (
            (self.total_above is None or total > self.total_above)
            and (self.lines_above is None or line_count > self.lines_above)
            and (self.counterparty_id is None or self.counterparty_id == counterparty_id)
            and (self.employee_id is None or self.employee_id == author_id)
        )


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn")


class OrderApproval(models.Model):
    """One wait of an order for approval, with the rules that asked for it and the decision.

    `fingerprint` is the order's content (lines, prices, total, terms) when it was approved:
    the approval holds for that content only, so an order changed afterwards waits again.
    """

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="approvals")
    rules = models.ManyToManyField(ApprovalRule, blank=True, related_name="+")
    state = models.CharField(
        max_length=20, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["order", "state"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.state}"
