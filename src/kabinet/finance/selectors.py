"""Reads of finance data, always through a Scope (the "finance" section; the employee's
counterparty restriction applies). "Not found" is the same for a missing row and another
partner's: Http404.

The checkout reads an agreement's debt with `agreement_debt` after it has checked that the
agreement is one the user may act for.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from kabinet.accounts.models import Agreement, Section
from kabinet.accounts.scope import Scope
from kabinet.core.money import money
from kabinet.finance.models import (
    Debt,
    Payment,
    ReconciliationRequest,
    ReconciliationStatus,
    ScheduleItem,
)

GROUPS = {"counterparty": ("counterparty_id", "counterparty__name"),
          "agreement": ("agreement_id", "agreement__name")}  # fmt: skip


def agreement_debt(*, agreement_id: int) -> Debt | None:
    """The ERP's last report of the agreement's debt; None when it has sent none."""
    return Debt.objects.filter(agreement_id=agreement_id).first()


def _scoped(queryset: QuerySet, scope: Scope, counterparty_id: int | None = None) -> QuerySet:
    scope.require(Section.FINANCE)
    queryset = queryset.filter(partner_id=scope.partner_id)
    if scope.counterparty_ids is not None:
        queryset = queryset.filter(counterparty_id__in=scope.counterparty_ids)
    if counterparty_id is not None:
        queryset = queryset.filter(counterparty_id=counterparty_id)
    return queryset


def payments_for(
    *,
    scope: Scope,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    counterparty_id: int | None = None,
    agreement_id: int | None = None,
    number: str = "",
) -> QuerySet[Payment]:
    """Payments received from the user's counterparties (F1, F2), newest first."""
    queryset = _scoped(Payment.objects.all(), scope, counterparty_id)
    if date_from is not None:
        queryset = queryset.filter(date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(date__lte=date_to)
    if agreement_id is not None:
        queryset = queryset.filter(agreement_id=agreement_id)
    if number.strip():
        queryset = queryset.filter(number__icontains=number.strip())
    return queryset.select_related("counterparty", "agreement").order_by("-date", "-pk")


@dataclass(frozen=True, slots=True)
class PaymentGroup:
    key: int | None
    name: str
    count: int
    amount: Decimal
    currency: str


def payment_totals(*, payments: QuerySet[Payment], group_by: str) -> list[PaymentGroup]:
    """Totals of `payments_for(...)` per counterparty or per agreement, in one query."""
    key, name = GROUPS[group_by]
    rows = (
        payments.order_by()
        .values(key, name, "currency")
        .annotate(total=Sum("amount"), count=Sum(Value(1)))
        .order_by(name, key, "currency")
    )
    return [
        PaymentGroup(row[key], row[name] or "", row["count"], money(row["total"]), row["currency"])
        for row in rows
    ]


def schedule_for(
    *, scope: Scope, counterparty_id: int | None = None, open_only: bool = True
) -> QuerySet[ScheduleItem]:
    """The payment calendar (F4): what is still to pay, by due date."""
    queryset = _scoped(ScheduleItem.objects.all(), scope, counterparty_id)
    if open_only:
        queryset = queryset.filter(remaining__gt=0)
    return queryset.select_related("counterparty", "agreement").order_by("due_date", "pk")


def credit_positions_for(*, scope: Scope, counterparty_id: int | None = None) -> QuerySet:
    """Per agreement of the user's counterparties: `credit_limit`, the ERP's `debt_amount` and
    `overdue_amount` (None when it sent none, `debt_as_of`) and what is still `available`
    (limit − debt; None without a limit) (F4)."""
    scope.require(Section.FINANCE)
    agreements = Agreement.objects.filter(
        counterparty__partner_id=scope.partner_id, is_active=True, counterparty__is_active=True
    )
    if scope.counterparty_ids is not None:
        agreements = agreements.filter(counterparty_id__in=scope.counterparty_ids)
    if counterparty_id is not None:
        agreements = agreements.filter(counterparty_id=counterparty_id)
    debts = Debt.objects.filter(agreement_id=OuterRef("pk"))
    amount = DecimalField(max_digits=15, decimal_places=2)
    return (
        agreements.select_related("counterparty")
        .annotate(
            debt_amount=Subquery(debts.values("balance")[:1], output_field=amount),
            overdue_amount=Subquery(debts.values("overdue")[:1], output_field=amount),
            debt_as_of=Subquery(debts.values("as_of")[:1]),
        )
        .annotate(
            available=F("credit_limit")
            - Coalesce(F("debt_amount"), Value(Decimal(0)), output_field=amount)
        )
        .order_by("counterparty__name", "name", "pk")
    )


def reconciliation_requests_for(*, scope: Scope) -> QuerySet[ReconciliationRequest]:
    """The user's partner's act requests (F3), newest first."""
    return (
        _scoped(ReconciliationRequest.objects.all(), scope)
        .select_related("counterparty", "requested_by")
        .order_by("-created_at", "-pk")
    )


def reconciliation_act_for(*, scope: Scope, request_id: int) -> ReconciliationRequest:
    """A ready request whose PDF the user may download; Http404 otherwise."""
    return get_object_or_404(
        reconciliation_requests_for(scope=scope).exclude(act=""),
        pk=request_id,
        status=ReconciliationStatus.READY,
    )
