"""Matching and checking rows (the report, D4), for a whole job or for the rows a user fixes.

A fix changes one row, but the rows of the same variant form one cart line (their quantities
add up, the minimum and the multiple apply to the sum): so the rows of the row's old and new
variant are checked again together, and the job's counts follow.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.scope import Scope
from kabinet.catalog.stock import stock_display
from kabinet.imports.checks import has_no_quantity, rows_evaluate
from kabinet.imports.matching import match_rows, unpriced_ids, variant_facts
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.reading import Role
from kabinet.imports.services.common import job_locked, job_recount, stock_batched
from kabinet.pricing.selectors import PricingContext, agreement_for, pricing_context

NOT_CHECKED = _("This file is not checked yet, or it is already applied.")
NOT_A_CANDIDATE = _("Choose one of the products offered for this row.")
CODE_TOO_LONG = _("The code may have at most %(max)s characters.")
QUANTITY_TOO_LONG = _("The quantity may have at most %(max)s characters.")
MAX_CODE = 200
# `matched_by` of a row whose product the user picked among the candidates.
CHOSEN = "chosen"
MAX_QUANTITY_TEXT = 100
_ROW_FIELDS = [
    "identifiers",
    "any_code",
    "quantity_text",
    "quantity",
    "variant",
    "matched_by",
    "outcome",
    "severity",
    "detail",
    "candidates",
    "merged_into",
    "proposed_quantity",
]


def quantity_mapped(job: ImportJob) -> bool:
    """Whether the file has a quantity column (an empty cell then means "not ordered")."""
    return job.source == ImportJob.Source.FILE and Role.QUANTITY in job.mapping.get("columns", {})


def job_rows_check(
    *, job: ImportJob, context: PricingContext, rows: list[ImportRow], known=None
) -> None:
    """Match and check `rows` (unsaved or loaded) in a fixed number of queries. `known`: the
    facts of variants loaded for earlier batches of the file (added to)."""
    mapped = quantity_mapped(job)
    to_match = [row for row in rows if not has_no_quantity(row, quantity_mapped=mapped)]
    facts = match_rows(context=context, rows=to_match, order=job.match_order, known=known)
    stock = stock_batched(row.variant_id for row in to_match if row.variant_id)
    rows_evaluate(
        rows, facts, stock, quantity_mapped=mapped, exact_stock=stock_display() == "exact"
    )


class _LineRow:
    """What `rows_evaluate` reads and writes of a stored row: a tenth of the memory of an
    `ImportRow`, for checking again the lines of a large file."""

    __slots__ = (
        "detail",
        "merged_into",
        "outcome",
        "pk",
        "proposed_quantity",
        "quantity",
        "quantity_text",
        "row_number",
        "severity",
        "variant_id",
    )

    def __init__(self, pk, row_number, variant_id, quantity_text, outcome):
        self.pk, self.row_number, self.variant_id = pk, row_number, variant_id
        self.quantity_text, self.outcome, self.severity = quantity_text, outcome, ""
        self.quantity = self.detail = self.merged_into = self.proposed_quantity = None


_LINE_FIELDS = ["quantity", "outcome", "severity", "detail", "merged_into", "proposed_quantity"]
LINE_BATCH = 2_000
UPDATE_BATCH = 500


def job_lines_recheck(*, job: ImportJob, context: PricingContext, variant_ids) -> None:
    """Check again, each as one cart line, the stored rows of `variant_ids` (rows of the same
    product that were checked in different batches), and store what changed."""
    mapped = quantity_mapped(job)
    exact = stock_display() == "exact"
    ids = sorted(variant_ids)
    for start in range(0, len(ids), LINE_BATCH):
        chunk = ids[start : start + LINE_BATCH]
        rows = [
            _LineRow(*values)
            for values in ImportRow.objects.filter(job_id=job.pk, variant_id__in=chunk)
            .order_by("row_number")
            .values_list("pk", "row_number", "variant_id", "quantity_text", "outcome")
            .iterator(chunk_size=LINE_BATCH)
        ]
        facts = variant_facts(context, chunk)
        rows_evaluate(rows, facts, stock_batched(chunk), quantity_mapped=mapped, exact_stock=exact)
        for part in range(0, len(rows), UPDATE_BATCH):
            ImportRow.objects.bulk_update(
                [
                    ImportRow(pk=row.pk, **{name: getattr(row, name) for name in _LINE_FIELDS})
                    for row in rows[part : part + UPDATE_BATCH]
                ],
                _LINE_FIELDS,
            )


def _context(scope: Scope, job: ImportJob) -> PricingContext:
    return pricing_context(scope=scope, agreement=agreement_for(scope, job.agreement_id or 0))


def _checked_job(scope: Scope, job_id: int) -> ImportJob:
    job = job_locked(scope, job_id)
    if job.status != ImportJob.Status.MATCHED:
        raise ValidationError(NOT_CHECKED)
    return job


@transaction.atomic
def import_row_fix(
    *,
    scope: Scope,
    job_id: int,
    row_id: int,
    code: str | None,
    quantity: str,
    variant_id: int | None = None,
) -> tuple[ImportJob, list[ImportRow]]:
    """Correct one row — its code (looked up as any kind of code), its quantity, or which of
    the ambiguous candidates it means — and check it again with the rows of the same product.

    Returns the job (with its new counts) and every row whose report changed.
    """
    job = _checked_job(scope, job_id)
    row = job.rows.filter(pk=row_id).first()
    if row is None:
        raise ValidationError(NOT_CHECKED)
    quantity = (quantity or "").strip()
    if len(quantity) > MAX_QUANTITY_TEXT:
        raise ValidationError(QUANTITY_TOO_LONG % {"max": MAX_QUANTITY_TEXT})
    context = _context(scope, job)
    old_variant = row.variant_id
    row.quantity_text = quantity
    if variant_id is not None:
        facts = _chosen(context, row, variant_id)
    else:
        changed = code is not None and _code_set(row, code, job.match_order)
        facts = {}
        if row.matched_by == CHOSEN and not changed:
            facts = variant_facts(context, [row.variant_id])
        if not facts.get(row.variant_id) or not facts[row.variant_id].orderable:
            facts = match_rows(context=context, rows=[row], order=job.match_order)
    return job, _group_checked(job, context, [row], {old_variant}, facts)


def _code_set(row: ImportRow, code: str, order: list[str]) -> bool:
    """Take the code typed in the fix form; whether it differs from the row's."""
    code = " ".join(code.split())
    if len(code) > MAX_CODE:
        raise ValidationError(CODE_TOO_LONG % {"max": MAX_CODE})
    if code == row_code(row, order):
        return False
    row.identifiers = {Role.ARTICLE.value: code} if code else {}
    row.any_code = True
    return True


def row_code(row: ImportRow, order: list[str]) -> str:
    """The code shown in the row's fix form: its first identifier in the job's order."""
    identifiers = row.identifiers or {}
    if row.any_code:
        return identifiers.get(Role.ARTICLE, "")
    for role in [*order, *identifiers]:
        if identifiers.get(role):
            return identifiers[role]
    return ""


def _chosen(context: PricingContext, row: ImportRow, variant_id: int) -> dict:
    if variant_id not in (row.candidates or []):
        raise ValidationError(NOT_A_CANDIDATE)
    facts = variant_facts(context, [variant_id])
    fact = facts.get(variant_id)
    if fact is None or not fact.orderable or unpriced_ids(context, {variant_id}):
        raise ValidationError(NOT_A_CANDIDATE)
    row.variant_id, row.matched_by, row.outcome = variant_id, CHOSEN, ImportRow.Outcome.OK
    return facts


def _group_checked(job, context, changed: list[ImportRow], old_variants: set, facts) -> list:
    """Check `changed` again with every row of their old and new variants; save and recount."""
    variants = (old_variants | {row.variant_id for row in changed}) - {None}
    others = list(
        ImportRow.objects.filter(job_id=job.pk, variant_id__in=variants).exclude(
            pk__in=[row.pk for row in changed]
        )
    )
    rows = sorted([*changed, *others], key=lambda row: row.row_number)
    missing = {row.variant_id for row in rows if row.variant_id} - set(facts)
    if missing:
        facts = {**facts, **variant_facts(context, missing)}
    stock = stock_batched(row.variant_id for row in rows if row.variant_id)
    rows_evaluate(
        rows,
        facts,
        stock,
        quantity_mapped=quantity_mapped(job),
        exact_stock=stock_display() == "exact",
    )
    ImportRow.objects.bulk_update(rows, _ROW_FIELDS)
    job_recount(job)
    return rows


@transaction.atomic
def import_rows_use_proposed(*, scope: Scope, job_id: int) -> tuple[ImportJob, int]:
    """Take the proposed quantity on every row that has one (the nearest valid quantity)."""
    job = _checked_job(scope, job_id)
    proposed = list(
        ImportRow.objects.filter(
            job_id=job.pk, severity=ImportRow.Severity.ERROR, proposed_quantity__isnull=False
        )
    )
    if not proposed:
        return job, 0
    for row in proposed:
        row.quantity_text = _plain(row.proposed_quantity)
    context = _context(scope, job)
    _group_checked(job, context, proposed, set(), {})
    return job, len(proposed)


def _plain(quantity) -> str:
    return format(quantity.normalize(), "f")
