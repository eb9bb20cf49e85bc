"""Reads of company and employee data, always through a Scope.

"Not found" is the same for a missing row and another partner's row: both raise Http404.
"""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kabinet.accounts.models import Agreement, Counterparty, DeliveryAddress, User
from kabinet.accounts.scope import Scope


def counterparty_qs(scope: Scope) -> QuerySet[Counterparty]:
    qs = Counterparty.objects.filter(partner_id=scope.partner_id, is_active=True)
    if scope.counterparty_ids is not None:
        qs = qs.filter(pk__in=scope.counterparty_ids)
    return qs


def counterparty_list(scope: Scope) -> list[Counterparty]:
    """The partner's legal entities the user may act for, heads before their subsidiaries."""
    counterparties = list(counterparty_qs(scope).select_related("parent"))
    by_head: dict[int | None, list[Counterparty]] = {}
    for counterparty in counterparties:
        by_head.setdefault(counterparty.parent_id, []).append(counterparty)
    visible = {c.pk for c in counterparties}
    ordered: list[Counterparty] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for counterparty in by_head.get(parent_id, []):
            counterparty.depth = depth
            ordered.append(counterparty)
            walk(counterparty.pk, depth + 1)

    # Roots are those whose head is not visible to this user (or who have none).
    for counterparty in counterparties:
        if counterparty.parent_id is None or counterparty.parent_id not in visible:
            counterparty.depth = 0
            ordered.append(counterparty)
            walk(counterparty.pk, 1)
    return ordered


def counterparty_get(scope: Scope, counterparty_id: int) -> Counterparty:
    return get_object_or_404(
        counterparty_qs(scope)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=Agreement.objects.filter(is_active=True).select_related("price_type"),
            ),
            Prefetch("addresses", queryset=DeliveryAddress.objects.filter(is_active=True)),
        ),
        pk=counterparty_id,
    )


def agreement_list(scope: Scope) -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(counterparty__in=counterparty_qs(scope), is_active=True)
        .select_related("counterparty", "price_type")
        .order_by("counterparty__name", "name")
    )


def address_list(scope: Scope) -> QuerySet[DeliveryAddress]:
    return (
        DeliveryAddress.objects.filter(counterparty__in=counterparty_qs(scope), is_active=True)
        .select_related("counterparty")
        .order_by("counterparty__name", "address")
    )


def employee_qs(scope: Scope) -> QuerySet[User]:
    return User.objects.filter(partner_id=scope.partner_id)


def employee_list(scope: Scope) -> QuerySet[User]:
    return employee_qs(scope).prefetch_related("counterparties").order_by("-is_active", "full_name")


def employee_get(scope: Scope, user_id: int) -> User:
    return get_object_or_404(employee_qs(scope).prefetch_related("counterparties"), pk=user_id)
