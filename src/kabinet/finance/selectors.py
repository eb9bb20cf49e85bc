"""Reads of finance data. Partner pages read through a Scope; the checkout reads an
agreement's debt after it has checked the agreement is the user's.

Every partner read takes the Scope first, requires the finance section and keeps to the
counterparties the user may act for. Totals are summed by the database and rounded here
(SQLite sums decimals loosely).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from kabinet.accounts.models import Agreement, Counterparty, Section
from kabinet.accounts.scope import Scope
from kabinet.core.money import money
from kabinet.finance.models import Debt, Payment, ReconciliationRequest, ScheduleItem

GROUP_BY = ("counterparty", "agreement")
CALENDAR_GROUPS = ("overdue", "today", "upcoming")


def agreement_debt(*, agreement_id: int) -> Debt | None:
    """The ERP's last report of the agreement's debt; None when it has sent none."""
    return Debt.objects.filter(agreement_id=agreement_id).first()


def _scoped(queryset: QuerySet, scope: Scope, *, counterparty_id: int | None = None) -> QuerySet:
    scope.require(Section.FINANCE)
    queryset = queryset.filter(partner_id=scope.partner_id)
    if scope.counterparty_ids is not None:
        queryset = queryset.filter(counterparty_id__in=scope.counterparty_ids)
    if counterparty_id is not None:
        queryset = queryset.filter(counterparty_id=counterparty_id)
    return queryset


def finance_counterparties(scope: Scope) -> list[Counterparty]:
    """The counterparties the user may see finance of (for filters and the act form)."""
    scope.require(Section.FINANCE)
    counterparties = Counterparty.objects.filter(partner_id=scope.partner_id, is_active=True)
    if scope.counterparty_ids is not None:
        counterparties = counterparties.filter(pk__in=scope.counterparty_ids)
    return list(counterparties.order_by("name", "pk"))


# ── Payments (F1, F2) ───────────────────────────────────────────────────────────────────────


def payment_filtered(
    scope: Scope,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    counterparty_id: int | None = None,
    agreement_id: int | None = None,
    number: str = "",
) -> QuerySet[Payment]:
    """The user's payment documents, newest first, with counterparty and agreement loaded."""
    payments = _scoped(Payment.objects, scope, counterparty_id=counterparty_id)
    if date_from:
        payments = payments.filter(date__gte=date_from)
    if date_to:
        payments = payments.filter(date__lte=date_to)
    if agreement_id is not None:
        payments = payments.filter(agreement_id=agreement_id)
    number = number.strip()
    if number:
        payments = payments.filter(number__icontains=number)
    return payments.select_related("counterparty", "agreement").order_by("-date", "-pk")


@dataclass(frozen=True)
class PaymentGroup:
    counterparty_id: int
    counterparty: str
    agreement_id: int | None
    agreement: str
    currency: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class PaymentReport:
    group_by: str
    groups: list[PaymentGroup]
    # currency → (count, total): one line per currency under the groups.
    totals: dict[str, tuple[int, Decimal]]


def payment_report(
    scope: Scope,
    *,
    group_by: str = "counterparty",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    counterparty_id: int | None = None,
) -> PaymentReport:
    """Payments received in the period, summed per counterparty or per agreement (F1).

    One aggregate query, whatever the number of payments.
    """
    if group_by not in GROUP_BY:
        group_by = "counterparty"
    payments = payment_filtered(
        scope, date_from=date_from, date_to=date_to, counterparty_id=counterparty_id
    ).order_by()
    keys = ["counterparty_id", "counterparty__name", "currency"]
    if group_by == "agreement":
        keys += ["agreement_id", "agreement__name"]
    rows = payments.values(*keys).annotate(count=Count("pk"), total=Sum("amount"))
    groups = [
        PaymentGroup(
            counterparty_id=row["counterparty_id"],
            counterparty=row["counterparty__name"],
            agreement_id=row.get("agreement_id"),
            agreement=row.get("agreement__name") or "",
            currency=row["currency"],
            count=row["count"],
            total=money(row["total"] or 0),
        )
        for row in rows
    ]
    groups.sort(key=lambda g: (g.counterparty.lower(), g.counterparty_id, g.agreement.lower()))
    totals: dict[str, tuple[int, Decimal]] = {}
    for group in groups:
        count, total = totals.get(group.currency, (0, Decimal("0.00")))
        totals[group.currency] = (count + group.count, total + group.total)
    return PaymentReport(group_by=group_by, groups=groups, totals=dict(sorted(totals.items())))


# ── Reconciliation acts (F3) ────────────────────────────────────────────────────────────────


def reconciliation_request_list(scope: Scope) -> QuerySet[ReconciliationRequest]:
    return _scoped(ReconciliationRequest.objects, scope).select_related(
        "counterparty", "requested_by"
    )


def reconciliation_request_get(scope: Scope, request_id: int) -> ReconciliationRequest:
    """One of the user's requests; 404 alike for "missing" and "not yours"."""
    request = reconciliation_request_list(scope).filter(pk=request_id).first()
    if request is None:
        raise Http404
    return request


# ── Payment calendar (F4) ───────────────────────────────────────────────────────────────────


@dataclass
class CalendarGroup:
    key: str  # "overdue", "today", "upcoming"
    items: list[ScheduleItem] = field(default_factory=list)
    count: int = 0
    # currency → remaining to pay
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class AgreementCredit:
    agreement_id: int
    agreement: str
    counterparty: str
    currency: str
    limit: Decimal | None
    debt: Decimal | None
    overdue: Decimal | None
    as_of: datetime.date | None

    @property
    def available(self) -> Decimal | None:
        """What can still be bought on credit: the limit less the ERP's debt (never below 0).
        Unknown (None) without a limit or before the ERP has reported the debt."""
        if self.limit is None or self.debt is None:
            return None
        return max(self.limit - self.debt, Decimal("0.00"))

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and (self.debt or 0) > self.limit


@dataclass(frozen=True)
class Calendar:
    today: datetime.date
    groups: list[CalendarGroup]
    agreements: list[AgreementCredit]


def schedule_open(
    scope: Scope, *, counterparty_id: int | None = None, group: str | None = None, today=None
) -> QuerySet[ScheduleItem]:
    """Schedule lines still to be paid, by due date; `group` narrows to overdue/today/upcoming."""
    items = _scoped(ScheduleItem.objects, scope, counterparty_id=counterparty_id).filter(
        remaining__gt=0
    )
    if group == "overdue":
        items = items.filter(due_date__lt=today)
    elif group == "today":
        items = items.filter(due_date=today)
    elif group == "upcoming":
        items = items.filter(due_date__gt=today)
    return items.select_related("counterparty", "agreement").order_by("due_date", "pk")


def _group_of(due: datetime.date, today: datetime.date) -> str:
    if due < today:
        return "overdue"
    return "today" if due == today else "upcoming"


def payment_calendar(
    scope: Scope, *, today: datetime.date, counterparty_id: int | None = None, rows: int = 25
) -> Calendar:
    """Open schedule lines in three groups with totals, and each agreement's credit (F4).

    Each group shows at most `rows` lines, the most urgent first (the export has them all: a
    large partner has hundreds of open lines, and a page of them all is slow and unread);
    counts and totals cover every line. A fixed number of queries: totals, three slices,
    agreements with debts.
    """
    open_items = schedule_open(scope, counterparty_id=counterparty_id)
    groups = {key: CalendarGroup(key=key) for key in CALENDAR_GROUPS}
    buckets = (
        open_items.order_by()
        .values("currency")
        .annotate(
            overdue_n=Count("pk", filter=Q(due_date__lt=today)),
            overdue_sum=Sum("remaining", filter=Q(due_date__lt=today)),
            today_n=Count("pk", filter=Q(due_date=today)),
            today_sum=Sum("remaining", filter=Q(due_date=today)),
            upcoming_n=Count("pk", filter=Q(due_date__gt=today)),
            upcoming_sum=Sum("remaining", filter=Q(due_date__gt=today)),
        )
    )
    for row in buckets:
        for key, group in groups.items():
            if row[f"{key}_n"]:
                group.count += row[f"{key}_n"]
                group.totals[row["currency"]] = money(row[f"{key}_sum"] or 0)
    for key, group in groups.items():
        if group.count:
            group.items = list(
                schedule_open(scope, counterparty_id=counterparty_id, group=key, today=today)[:rows]
            )
    return Calendar(
        today=today,
        groups=list(groups.values()),
        agreements=agreement_credit(scope, counterparty_id=counterparty_id),
    )


def agreement_credit(scope: Scope, *, counterparty_id: int | None = None) -> list[AgreementCredit]:
    """Per active agreement: credit limit, the ERP's debt and overdue debt, what is available."""
    scope.require(Section.FINANCE)
    agreements = Agreement.objects.filter(
        counterparty__partner_id=scope.partner_id, is_active=True, counterparty__is_active=True
    )
    if scope.counterparty_ids is not None:
        agreements = agreements.filter(counterparty_id__in=scope.counterparty_ids)
    if counterparty_id is not None:
        agreements = agreements.filter(counterparty_id=counterparty_id)
    agreements = agreements.select_related("counterparty", "debt").order_by(
        "counterparty__name", "name", "pk"
    )
    result = []
    for agreement in agreements:
        debt = getattr(agreement, "debt", None)
        result.append(
            AgreementCredit(
                agreement_id=agreement.pk,
                agreement=agreement.name,
                counterparty=agreement.counterparty.name,
                currency=agreement.currency,
                limit=agreement.credit_limit,
                debt=None if debt is None else money(debt.balance),
                overdue=None if debt is None else money(debt.overdue),
                as_of=None if debt is None else debt.as_of,
            )
        )
    return result


def calendar_group_of(item: ScheduleItem, today: datetime.date) -> str:
    return _group_of(item.due_date, today)
