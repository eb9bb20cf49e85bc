"""What the report page and its htmx fragments show of a job and its rows."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from kabinet.cart.rules import quantity_display
from kabinet.imports import selectors
from kabinet.imports.display import ROLE_LABELS, cell_text, outcome_label, row_reasons
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.selectors import RowFilter
from kabinet.imports.services import row_code


@dataclass
class RowDisplay:
    row: ImportRow
    code: str
    quantity: str
    reasons: list[str]
    result: str
    values: list[tuple[str, str]]  # (role label, text) of the identifiers and the quantity
    cells: str
    fix_url: str
    fixable: bool
    quantity_shown: str

    @property
    def pk(self) -> int:
        return self.row.pk


def _row_display(job: ImportJob, row: ImportRow) -> RowDisplay:
    identifiers = row.identifiers or {}
    order = [*job.match_order, *identifiers]
    values = [
        (str(ROLE_LABELS.get(role, role)), identifiers[role])
        for role in dict.fromkeys(order)
        if identifiers.get(role)
    ]
    if row.quantity_text:
        values.append((str(ROLE_LABELS["quantity"]), row.quantity_text))
    proposed = row.proposed_quantity
    quantity = format(proposed.normalize(), "f") if proposed is not None else row.quantity_text
    return RowDisplay(
        row=row,
        code=row_code(row, job.match_order),
        quantity=quantity,
        reasons=row_reasons(row),
        result=outcome_label(row),
        values=values,
        cells=" · ".join(text for text in (cell_text(c) for c in row.cells or ()) if text)[:300],
        fix_url=reverse("imports:row-fix", args=[job.pk, row.pk]),
        fixable=job.status == ImportJob.Status.MATCHED,
        quantity_shown=quantity_display(row.quantity) if row.quantity is not None else "",
    )


def rows_context(request, job: ImportJob, rows) -> dict:
    return {
        "job": job,
        "rows": [_row_display(job, row) for row in rows],
        "apply_lines": selectors.import_line_count(job),
        "proposals": selectors.import_proposal_count(job),
        "cart_lines": selectors.working_cart_line_count(request.scope, job),
    }


def report_context(request, job: ImportJob) -> dict:
    row_filter = request.GET.get("show")
    if row_filter not in RowFilter.CHOICES:
        row_filter = RowFilter.ERRORS if job.rows_error else RowFilter.PROBLEMS
    context = {"job": job, "row_filter": row_filter, "filters": report_filters(job)}
    if job.status in (ImportJob.Status.MATCHED, ImportJob.Status.APPLIED):
        page = selectors.import_rows_page(job, row_filter=row_filter, page=request.GET.get("page"))
        context.update(rows_context(request, job, page.object_list))
        context.update(page=page)
    return context


def report_filters(job: ImportJob) -> list[tuple[str, str, int]]:
    """The report's tabs: (filter, label, count of rows)."""
    return [
        (RowFilter.ERRORS, _("Errors"), job.rows_error),
        (RowFilter.WARNINGS, _("Warnings"), job.rows_warning),
        (RowFilter.PROBLEMS, _("Errors and warnings"), job.rows_error + job.rows_warning),
        (RowFilter.SKIPPED, _("Skipped"), job.rows_skipped),
        (RowFilter.ALL, _("All rows"), job.rows_total),
    ]
