"""Finance for the demo partners, as the supplier's ERP would send it (issue 9).

Two years of payments, a payment schedule whose old documents are mostly paid while recent
ones are overdue, due today or upcoming, each agreement's debt as of today, and per partner a
ready reconciliation act (a PDF) and a pending request. A few big partners pay most: each
partner's share follows a Zipf-like weight, so the largest one has a real history.

`finance_plan()` makes the rows (no ORM); `finance_generate()` reads the agreements, writes the
rows with bulk inserts and sets the demo's limits so that every partner has one agreement
within its credit limit and one over it; bench/generate_l.py writes the same rows with COPY.
"""

import datetime
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kabinet.accounts.models import Agreement, Counterparty, Section, User
from kabinet.core.money import money
from kabinet.demo.bulk import Table, tables_insert
from kabinet.finance.models import (
    Debt,
    Payment,
    ReconciliationRequest,
    ReconciliationStatus,
    ScheduleItem,
)

logging.getLogger("fontTools").setLevel(logging.WARNING)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAYMENT_FIELDS = [
    "ext_id",
    "partner_id",
    "counterparty_id",
    "agreement_id",
    "number",
    "date",
    "purpose",
    "amount",
    "currency",
]
SCHEDULE_FIELDS = [
    "ext_id",
    "partner_id",
    "counterparty_id",
    "agreement_id",
    "document",
    "document_date",
    "due_date",
    "amount",
    "paid",
    "remaining",
    "currency",
]
DEBT_FIELDS = [
    "partner_id",
    "counterparty_id",
    "agreement_id",
    "balance",
    "overdue",
    "as_of",
    "currency",
]


@dataclass(frozen=True)
class AgreementRow:
    id: int
    counterparty_id: int
    partner_id: int
    name: str
    deferral_days: int


@dataclass
class FinancePlan:
    payments: list[tuple] = field(default_factory=list)
    schedule: list[tuple] = field(default_factory=list)
    # agreement id → (balance, overdue)
    debts: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)

    def tables(self, *, today: datetime.date, agreements: list[AgreementRow]) -> list[Table]:
        by_id = {a.id: a for a in agreements}
        debts = [
            (
                by_id[a_id].partner_id,
                by_id[a_id].counterparty_id,
                a_id,
                balance,
                overdue,
                today,
                "RUB",
            )
            for a_id, (balance, overdue) in self.debts.items()
        ]
        return [
            (Payment, PAYMENT_FIELDS, self.payments),
            (ScheduleItem, SCHEDULE_FIELDS, self.schedule),
            (Debt, DEBT_FIELDS, debts),
        ]


def _shares(rng: random.Random, agreements: list[AgreementRow], total: int) -> list[int]:
    """How many rows each agreement gets: a base of one a month's worth, the rest by a
    Zipf-like weight of its partner (partners in id order: the first is the largest)."""
    partners = sorted({a.partner_id for a in agreements})
    rank = {partner_id: n for n, partner_id in enumerate(partners, start=1)}
    weights = [rank[a.partner_id] ** -0.7 * rng.uniform(0.6, 1.4) for a in agreements]
    base = min(total // max(len(agreements), 1), max(total // (4 * max(len(agreements), 1)), 1))
    extra = total - base * len(agreements)
    whole = sum(weights) or 1
    counts = [base + int(extra * w / whole) for w in weights]
    for n in range(total - sum(counts)):  # what rounding left, one each
        counts[n % len(counts)] += 1
    return counts


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return money(Decimal(rng.randint(low * 100, high * 100)) / 100)


def _paid_part(rng: random.Random, due: datetime.date, today: datetime.date) -> float:
    """Share of a document paid by today: old ones are paid, recent ones often not yet."""
    age = (today - due).days
    roll = rng.random()
    if age > 45:
        return 1.0 if roll < 0.985 else 0.5
    if age > 0:
        return 1.0 if roll < 0.6 else (0.0 if roll < 0.85 else 0.4)
    return 0.0 if roll < 0.8 else 0.3


def finance_plan(
    rng: random.Random,
    *,
    agreements: list[AgreementRow],
    today: datetime.date,
    months: int,
    payments: int,
    schedule: int,
) -> FinancePlan:
    """`payments` payments and `schedule` schedule lines over the last `months` months, and the
    debt they leave per agreement. Every partner's first agreement gets one overdue, one
    today's and one upcoming line whatever the chance."""
    plan = FinancePlan()
    days = int(months * 30.4)
    for agreement, count in zip(agreements, _shares(rng, agreements, payments), strict=True):
        for _ in range(count):
            n = len(plan.payments) + 1
            date = today - datetime.timedelta(days=rng.randint(0, days))
            amount = _amount(rng, 3_000, 450_000)
            vat = money(amount * 20 / 120)
            invoice = rng.randint(100, 99_999)
            plan.payments.append(
                (
                    f"erp-pay-{n:07d}",
                    agreement.partner_id,
                    agreement.counterparty_id,
                    agreement.id,
                    str(rng.randint(1, 9_999)),
                    date,
                    f"Оплата по счёту № {invoice} от {date - datetime.timedelta(days=3):%d.%m.%Y}"
                    f" по договору {agreement.name}. Сумма {amount}, в т.ч. НДС (20%) {vat}",
                    amount,
                    "RUB",
                )
            )
    first_of_partner: dict[int, AgreementRow] = {}
    for agreement in agreements:
        first_of_partner.setdefault(agreement.partner_id, agreement)
    open_sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])

    def line(agreement: AgreementRow, document_date: datetime.date, due: datetime.date, paid):
        n = len(plan.schedule) + 1
        amount = _amount(rng, 5_000, 600_000)
        paid_amount = money(amount * Decimal(str(paid)))
        remaining = amount - paid_amount
        plan.schedule.append(
            (
                f"erp-due-{n:07d}",
                agreement.partner_id,
                agreement.counterparty_id,
                agreement.id,
                f"Реализация товаров и услуг УТ-{n:08d} от {document_date:%d.%m.%Y}",
                document_date,
                due,
                amount,
                paid_amount,
                remaining,
                "RUB",
            )
        )
        sums = open_sums[agreement.id]
        sums[0] += remaining
        if due < today:
            sums[1] += remaining

    guaranteed = 3 * len(first_of_partner)
    counts = _shares(rng, agreements, max(schedule - guaranteed, 0))
    for agreement, count in zip(agreements, counts, strict=True):
        deferral = max(agreement.deferral_days, 7)
        for _ in range(count):
            document_date = today - datetime.timedelta(days=rng.randint(0, days))
            due = document_date + datetime.timedelta(days=deferral)
            line(agreement, document_date, due, _paid_part(rng, due, today))
    for agreement in first_of_partner.values():
        for offset, paid in ((-12, 0.25), (0, 0.0), (9, 0.0)):
            due = today + datetime.timedelta(days=offset)
            line(
                agreement, due - datetime.timedelta(days=max(agreement.deferral_days, 7)), due, paid
            )
    for agreement in agreements:
        balance, overdue = open_sums.get(agreement.id, (Decimal(0), Decimal(0)))
        plan.debts[agreement.id] = (money(balance), money(overdue))
    return plan


def agreements_load() -> list[AgreementRow]:
    rows = Agreement.objects.order_by("counterparty__partner_id", "pk").values_list(
        "pk", "counterparty_id", "counterparty__partner_id", "name", "payment_deferral_days"
    )
    return [AgreementRow(*row) for row in rows]


# ── Demo only: limits, acts ─────────────────────────────────────────────────────────────────


@dataclass
class FinanceResult:
    payments: int = 0
    schedule: int = 0
    debts: int = 0
    acts: int = 0


def _round_to(value: Decimal, step: int, *, up: bool) -> Decimal:
    whole = int(value // step) + (1 if up and value % step else 0)
    return Decimal(whole * step)


def _limits_set(plan: FinancePlan, agreements: list[AgreementRow]) -> None:
    """Per partner: the first agreement within its limit, the second over it."""
    by_partner: dict[int, list[AgreementRow]] = defaultdict(list)
    for agreement in agreements:
        by_partner[agreement.partner_id].append(agreement)
    limits: dict[int, Decimal] = {}
    for rows in by_partner.values():
        within = rows[0]
        balance, overdue = plan.debts[within.id]
        limits[within.id] = max(_round_to(balance * 2, 100_000, up=True), Decimal(300_000))
        if len(rows) > 1:
            over = rows[1]
            balance, overdue = plan.debts[over.id]
            limit = max(_round_to(balance * Decimal("0.8"), 50_000, up=False), Decimal(100_000))
            if balance <= limit:
                balance = money(limit * Decimal("1.12"))
            plan.debts[over.id] = (balance, min(overdue, balance))
            limits[over.id] = limit
    objs = Agreement.objects.filter(pk__in=limits)
    for agreement in objs:
        agreement.credit_limit = limits[agreement.pk]
    Agreement.objects.bulk_update(objs, ["credit_limit"], batch_size=2000)


def _second_agreements_add(agreements: list[AgreementRow], rng: random.Random) -> None:
    """A partner with a single agreement gets a second one (a deferred-payment agreement), so
    that the demo shows an agreement over its limit next to one within it."""
    counts: dict[int, int] = defaultdict(int)
    for agreement in agreements:
        counts[agreement.partner_id] += 1
    single = [a for a in agreements if counts[a.partner_id] == 1]
    if not single:
        return
    originals = Agreement.objects.in_bulk([a.id for a in single])
    Agreement.objects.bulk_create(
        [
            Agreement(
                ext_id=f"{originals[a.id].ext_id}-def",
                counterparty_id=a.counterparty_id,
                name=f"Договор поставки с отсрочкой № {rng.randint(100, 999)}/25",
                number=f"ДО-{rng.randint(1000, 9999)}",
                price_type_id=originals[a.id].price_type_id,
                payment_deferral_days=60,
            )
            for a in single
        ]
    )


def act_pdf(
    *,
    supplier: str,
    counterparty: str,
    start: datetime.date,
    end: datetime.date,
    rows: list[tuple[datetime.date, str, Decimal, Decimal]],
    opening: Decimal,
) -> bytes:
    """A reconciliation act as an A4 PDF: the documents and payments of the period, balances."""
    from fpdf import FPDF  # only the demo needs it
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_creator("Kabinet demo")
    pdf.set_title(f"Акт сверки {start:%d.%m.%Y}–{end:%d.%m.%Y}")
    if FONT.is_file():
        pdf.add_font("DejaVu", "", str(FONT))
        family = "DejaVu"

        def text(value: str) -> str:
            return value
    else:  # no Cyrillic font: a readable Latin act rather than no demo
        family = "Helvetica"

        def text(value: str) -> str:
            return value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, "", 14)
    pdf.multi_cell(0, 7, text("Акт сверки взаимных расчётов"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(
        0,
        6,
        text(f"за период с {start:%d.%m.%Y} по {end:%d.%m.%Y} между {supplier} и {counterparty}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    debit = credit = Decimal(0)
    table = [("Дата", "Документ", "Дебет", "Кредит"), ("", "Сальдо начальное", f"{opening}", "")]
    for date, document, plus, minus in rows:
        debit += plus
        credit += minus
        table.append((f"{date:%d.%m.%Y}", document, f"{plus or ''}", f"{minus or ''}"))
    table.append(("", "Обороты за период", f"{debit}", f"{credit}"))
    table.append(("", "Сальдо конечное", f"{opening + debit - credit}", ""))
    pdf.set_font(family, "", 8)
    headings = FontFace(emphasis="", fill_color=(230, 230, 230))  # one face: no bold to embed
    with pdf.table(col_widths=(14, 56, 15, 15), text_align="LEFT", headings_style=headings) as grid:
        for row in table:
            cells = grid.row()
            for value in row:
                cells.cell(text(value))
    return bytes(pdf.output())


def _act_rows(plan: FinancePlan, counterparty_id: int, start, end) -> list[tuple]:
    rows = [
        (row[5], row[4], row[7], Decimal(0))
        for row in plan.schedule
        if row[2] == counterparty_id and start <= row[5] <= end
    ]
    rows += [
        (row[5], f"Оплата, платёжное поручение № {row[4]}", Decimal(0), row[7])
        for row in plan.payments
        if row[2] == counterparty_id and start <= row[5] <= end
    ]
    return sorted(rows, key=lambda r: r[0])[:60]


def _acts_write(plan: FinancePlan, *, today: datetime.date, supplier: str) -> int:
    """Per partner, for its head company: last quarter's act, ready; this quarter's, pending."""
    quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_end = quarter - datetime.timedelta(days=1)
    last_start = datetime.date(last_end.year, 3 * ((last_end.month - 1) // 3) + 1, 1)
    heads = Counterparty.objects.filter(parent__isnull=True).order_by("partner_id", "pk")
    accountants: dict[
        int, int
    ] = {}  # partner → its first user with finance (JSON lists: in Python)
    users = User.objects.filter(partner__isnull=False).order_by("pk")
    for user in users.only("pk", "partner_id", "sections"):
        if Section.FINANCE in (user.sections or []) and user.partner_id not in accountants:
            accountants[user.partner_id] = user.pk
    seen: set[int] = set()
    requests = []
    now = timezone.now()
    for head in heads:
        if head.partner_id in seen:
            continue
        seen.add(head.partner_id)
        ready = ReconciliationRequest(
            partner_id=head.partner_id,
            counterparty=head,
            requested_by_id=accountants.get(head.partner_id),
            period_from=last_start,
            period_to=last_end,
            with_stamp=True,
            status=ReconciliationStatus.READY,
            created_at=now - datetime.timedelta(days=3),
            taken_at=now - datetime.timedelta(days=2),
            finished_at=now - datetime.timedelta(days=1),
        )
        content = act_pdf(
            supplier=supplier,
            counterparty=head.name,
            start=last_start,
            end=last_end,
            rows=_act_rows(plan, head.pk, last_start, last_end),
            opening=Decimal("0.00"),
        )
        ready.act.save(f"demo-act-{head.pk}.pdf", ContentFile(content), save=False)
        pending = ReconciliationRequest(
            partner_id=head.partner_id,
            counterparty=head,
            requested_by_id=accountants.get(head.partner_id),
            period_from=quarter if quarter < today else last_start,
            period_to=today,
            created_at=now - datetime.timedelta(hours=2),
        )
        requests += [ready, pending]
    ReconciliationRequest.objects.bulk_create(requests, batch_size=500)
    return len(requests) // 2


@transaction.atomic
def finance_generate(*, months: int = 24, seed: int = 2026, supplier: str = "") -> FinanceResult:
    """The demo's finance (see the module docstring): ~3 payments and ~4 schedule lines per
    agreement and month, limits set within/over, one ready act and one pending request each."""
    rng = random.Random(seed + 9)
    today = timezone.localdate()
    _second_agreements_add(agreements_load(), rng)
    agreements = agreements_load()
    plan = finance_plan(
        rng,
        agreements=agreements,
        today=today,
        months=months,
        payments=len(agreements) * months * 3,
        schedule=len(agreements) * months * 4,
    )
    _limits_set(plan, agreements)
    counts = tables_insert(plan.tables(today=today, agreements=agreements))
    acts = _acts_write(plan, today=today, supplier=supplier or settings.KABINET_SUPPLIER_NAME)
    return FinanceResult(
        payments=counts.get(Payment, 0),
        schedule=counts.get(ScheduleItem, 0),
        debts=counts.get(Debt, 0),
        acts=acts,
    )
