"""Who may approve which order, the approver's queue, and the partner's rules.

Who approves an order waiting for approval (the rule the portal follows):
1. the approvers its matched rules name — the colleague named, or every employee with the
   section named — who are active and may act for the order's counterparty, except the
   order's author: nobody approves their own order;
2. when that leaves nobody (the colleague was blocked, the rule deleted, the author is the
   only one with the section), the partner's administrators (the "employees" section) who
   may act for the counterparty, again except the author;
3. when that too leaves nobody and the author is a partner administrator, the author: the
   only administrator of a partner may approve their own order, and the history says so.

Everything is computed for many orders at once in a fixed number of queries.
"""

from django.db.models import Prefetch, Q
from django.http import Http404

from kabinet.accounts.models import Section, User
from kabinet.accounts.scope import Scope
from kabinet.approvals.models import ApprovalRule, ApprovalState, OrderApproval
from kabinet.orders.models import Order, OrderEvent
from kabinet.orders.selectors import order_qs
from kabinet.orders.workflow import Status


def _approvers(order: Order, approval: OrderApproval | None, users, restricted) -> set[int]:
    def may_act(user: User) -> bool:
        allowed = restricted.get(user.pk)
        return allowed is None or order.counterparty_id in allowed

    able = [user for user in users if may_act(user)]
    named: set[int] = set()
    for rule in approval.rules.all() if approval is not None else []:
        if rule.approver_id is not None:
            named.add(rule.approver_id)
        else:
            named |= {u.pk for u in able if rule.approver_section in (u.sections or [])}
    able_ids = {user.pk for user in able}
    chosen = (named & able_ids) - {order.author_id}
    if chosen:
        return chosen
    admins = {u.pk for u in able if Section.EMPLOYEES in (u.sections or [])}
    chosen = admins - {order.author_id}
    if chosen:
        return chosen
    return admins & {order.author_id}


def approvers_by_order(orders: list[Order]) -> dict[int, set[int]]:
    """For orders of one partner waiting for approval: `{order_id: {user_id, …}}`."""
    if not orders:
        return {}
    partner_id = orders[0].partner_id
    users = list(User.objects.filter(partner_id=partner_id, is_active=True))
    restricted: dict[int, set[int]] = {}
    through = User.counterparties.through.objects.filter(user__partner_id=partner_id)
    for user_id, counterparty_id in through.values_list("user_id", "counterparty_id"):
        restricted.setdefault(user_id, set()).add(counterparty_id)
    approvals = {
        approval.order_id: approval
        for approval in OrderApproval.objects.filter(
            order_id__in=[o.pk for o in orders], state=ApprovalState.PENDING
        ).prefetch_related("rules")
    }
    return {
        order.pk: _approvers(order, approvals.get(order.pk), users, restricted) for order in orders
    }


def order_approvers(order: Order) -> set[int]:
    """The ids of the people who may approve the order now (empty unless it is waiting)."""
    if order.status != Status.AWAITING_APPROVAL:
        return set()
    return approvers_by_order([order])[order.pk]


def approval_may_decide(scope: Scope, order: Order) -> bool:
    return scope.user.pk in order_approvers(order)


def approval_queue(scope: Scope) -> list[Order]:
    """The orders waiting for this user's approval, oldest first (counterparties in scope)."""
    orders = list(
        order_qs(scope)
        .filter(status=Status.AWAITING_APPROVAL)
        .select_related("counterparty", "author")
        .order_by("updated_at", "pk")
    )
    approvers = approvers_by_order(orders)
    return [order for order in orders if scope.user.pk in approvers[order.pk]]


def approval_order(scope: Scope, order_id: int) -> Order:
    """An order waiting for this user's approval, with lines and history; else 404."""
    order = (
        order_qs(scope)
        .filter(pk=order_id, status=Status.AWAITING_APPROVAL)
        .select_related("counterparty", "agreement", "address", "author")
        .prefetch_related(
            "lines", Prefetch("events", queryset=OrderEvent.objects.select_related("author"))
        )
        .first()
    )
    if order is None or not approval_may_decide(scope, order):
        raise Http404
    return order


def approval_rule_qs(scope: Scope):
    """The partner's rules; an administrator limited to some counterparties sees the rules of
    those and the rules for every counterparty."""
    qs = ApprovalRule.objects.filter(partner_id=scope.partner_id)
    if scope.counterparty_ids is not None:
        qs = qs.filter(Q(counterparty__isnull=True) | Q(counterparty_id__in=scope.counterparty_ids))
    return qs


def approval_rule_list(scope: Scope) -> list[ApprovalRule]:
    return list(approval_rule_qs(scope).select_related("counterparty", "employee", "approver"))
