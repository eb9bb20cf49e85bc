"""Approvals for tests: `approvals_make(partner)` — a rule and an order waiting under it."""

from kabinet.accounts.models import Section, User
from kabinet.approvals.models import ApprovalRule, OrderApproval
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


def approvals_make(partner):
    """A rule of the partner (orders above 100.00, approved by its administrators) and an order
    of its first employee waiting under it, as the services leave them."""
    author = User.objects.filter(partner=partner, is_active=True).order_by("pk").first()
    rule = ApprovalRule.objects.create(
        partner=partner, total_above=100, approver_section=Section.EMPLOYEES, created_by=author
    )
    order = order_make(
        author=author,
        variants=goods_make(partner, n=1),
        status=Status.AWAITING_APPROVAL,
        comment=f"Waiting order of {partner.name}",
    )
    approval = OrderApproval.objects.create(order=order, fingerprint="f" * 64)
    approval.rules.set([rule])
    return rule, order
