"""Approval rules and decisions (A7): the partner administrator sets rules; an approver sends
a waiting order on or returns it to draft with a comment.

Approving goes through `orders.services.order_dispatch`, the same way a draft is sent: the
approval is stored first (with the order's content), so the dispatch finds it and sends the
order to the supplier and 1C. Each decision is an order event with its author and comment,
and notifies the order's author (`comms.services`).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Section, User
from kabinet.accounts.scope import Scope
from kabinet.accounts.selectors import counterparty_qs
from kabinet.approvals.gate import order_fingerprint
from kabinet.approvals.models import ApprovalRule, ApprovalState, OrderApproval
from kabinet.approvals.selectors import approval_rule_qs, order_approvers
from kabinet.orders.models import Order, OrderEvent
from kabinet.orders.selectors import order_qs
from kabinet.orders.services import order_dispatch, order_transition
from kabinet.orders.workflow import Actor, Status

NOT_AN_APPROVER = _("You may not approve this order.")
NOT_WAITING = _("Order %(number)s is not awaiting approval.")
COMMENT_REQUIRED = _("Say why the order is returned.")
ONE_APPROVER = _("Choose either a colleague or a section, not both.")
NO_APPROVER = _("Choose who approves: a colleague or a section.")
EMPLOYEE_UNKNOWN = _("Choose an active employee of your company.")
COUNTERPARTY_UNKNOWN = _("Choose one of your counterparties.")
NEGATIVE = _("Amounts and counts cannot be negative.")
COMMENT_MAX = 2000


def _employee(scope: Scope, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, partner_id=scope.partner_id, is_active=True).first()
    if user is None:
        raise ValidationError(EMPLOYEE_UNKNOWN)
    return user


@transaction.atomic
def approval_rule_create(
    *,
    scope: Scope,
    total_above: Decimal | None,
    lines_above: int | None,
    counterparty_id: int | None,
    employee_id: int | None,
    approver_id: int | None,
    approver_section: str,
) -> ApprovalRule:
    """A partner administrator's rule: which orders wait, and who approves them."""
    scope.require(Section.EMPLOYEES)
    if approver_id is not None and approver_section:
        raise ValidationError(ONE_APPROVER)
    if approver_id is None and not approver_section:
        raise ValidationError(NO_APPROVER)
    if approver_section and approver_section not in Section.values:
        raise ValidationError(NO_APPROVER)
    if (total_above is not None and total_above < 0) or (
        lines_above is not None and lines_above < 0
    ):
        raise ValidationError(NEGATIVE)
    counterparty = None
    if counterparty_id is not None:
        counterparty = counterparty_qs(scope).filter(pk=counterparty_id).first()
        if counterparty is None:
            raise ValidationError(COUNTERPARTY_UNKNOWN)
    return ApprovalRule.objects.create(
        partner_id=scope.partner_id,
        total_above=total_above,
        lines_above=lines_above,
        counterparty=counterparty,
        employee=_employee(scope, employee_id),
        approver=_employee(scope, approver_id),
        approver_section=approver_section,
        created_by=scope.user,
    )


@transaction.atomic
def approval_rule_delete(*, scope: Scope, rule_id: int) -> None:
    """Remove a rule; orders already waiting keep waiting (administrators then approve)."""
    scope.require(Section.EMPLOYEES)
    deleted, _rows = approval_rule_qs(scope).filter(pk=rule_id).delete()
    if not deleted:
        raise Http404


def _waiting_locked(scope: Scope, order_id: int) -> tuple[Order, OrderApproval]:
    """A waiting order the user may see, locked, with its open approval; refused for anyone
    who may not approve it."""
    order = order_qs(scope).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise Http404
    approval = (
        OrderApproval.objects.filter(order_id=order.pk, state=ApprovalState.PENDING)
        .order_by("-pk")
        .first()
    )
    if order.status != Status.AWAITING_APPROVAL or approval is None:
        raise ValidationError(NOT_WAITING % {"number": order.number})
    if scope.user.pk not in order_approvers(order):
        raise PermissionDenied(NOT_AN_APPROVER)
    return order, approval


def _decide(approval: OrderApproval, *, state: str, user: User, comment: str, order=None):
    approval.state = state
    approval.decided_by = user
    approval.decided_at = timezone.now()
    approval.comment = comment
    fields = ["state", "decided_by", "decided_at", "comment"]
    if order is not None:
        approval.fingerprint = order_fingerprint(order)
        fields.append("fingerprint")
    approval.save(update_fields=fields)


@transaction.atomic
def order_approve(*, scope: Scope, order_id: int, comment: str = "") -> OrderEvent:
    """The approver lets a waiting order go: it is sent to the supplier as usual."""
    order, approval = _waiting_locked(scope, order_id)
    comment = comment.strip()[:COMMENT_MAX]
    _decide(approval, state=ApprovalState.APPROVED, user=scope.user, comment=comment, order=order)
    return order_dispatch(order=order, author=scope.user, comment=comment)


@transaction.atomic
def order_return(*, scope: Scope, order_id: int, comment: str) -> OrderEvent:
    """The approver returns a waiting order to draft, saying why (the author is told)."""
    comment = comment.strip()[:COMMENT_MAX]
    order, approval = _waiting_locked(scope, order_id)
    if not comment:
        raise ValidationError(COMMENT_REQUIRED)
    _decide(approval, state=ApprovalState.RETURNED, user=scope.user, comment=comment)
    return order_transition(
        order=order, target=Status.DRAFT, actor=Actor.PARTNER, author=scope.user, comment=comment
    )
