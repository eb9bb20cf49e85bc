"""Files the user downloads: the order template (D1) and the import report (D4).

Every text cell goes through `cell_text_safe` and is written as a string, never as a formula:
a product name "=HYPERLINK(…)" from a hostile file comes back as text, with the apostrophe
spreadsheet programs use to keep it so.
"""

import csv
import io
import tempfile
from collections.abc import Iterable

import xlsxwriter
from django.utils.translation import gettext as _

from kabinet.imports.display import ROLE_LABELS, cell_text, outcome_label, row_reasons
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.reading import Role, cell_text_safe

TEMPLATE_ROLES = (
    Role.ARTICLE,
    Role.BARCODE,
    Role.ERP_CODE,
    Role.PARTNER_CODE,
    Role.NAME,
    Role.QUANTITY,
)
MAX_REPORT_COLUMNS = 240
_WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_rows(example: dict[str, object] | None) -> list[list]:
    """The header in the user's language and one example row."""
    header = [str(ROLE_LABELS[role]) for role in TEMPLATE_ROLES]
    example = example or {
        Role.ARTICLE: "АРТ-001",
        Role.BARCODE: "4600000000017",
        Role.ERP_CODE: "000000001",
        Role.PARTNER_CODE: "",
        Role.NAME: _("Product name"),
        Role.QUANTITY: 10,
    }
    return [header, [example.get(role, "") for role in TEMPLATE_ROLES]]


def template_xlsx(example: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **_WORKBOOK_OPTIONS})
    sheet = workbook.add_worksheet(_("Order")[:31])
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    header, example_row = template_rows(example)
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, bold)
        role = TEMPLATE_ROLES[column]
        if role == Role.NAME:
            sheet.set_column(column, column, 40)
        elif role == Role.QUANTITY:
            sheet.set_column(column, column, 12)
        else:  # codes as text: Excel keeps the leading zeros of "000123"
            sheet.set_column(column, column, 16, text)
    _write_row(sheet, 1, example_row)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def template_csv(example: dict | None = None) -> bytes:
    """UTF-8 with a BOM and ";" — what Russian Excel opens without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in template_rows(example):
        writer.writerow([cell_text_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_row(sheet, row_index: int, values: Iterable, fmt=None) -> None:
    for column, value in enumerate(values):
        safe = cell_text_safe(value)
        if isinstance(safe, str):
            if safe:
                sheet.write_string(row_index, column, safe, fmt)
        else:
            sheet.write_number(row_index, column, safe, fmt)


# --- The report -------------------------------------------------------------------------------


def report_header(job: ImportJob) -> list:
    if job.source == ImportJob.Source.PASTE:
        return [_("Code"), _("Quantity")]
    header_row = (job.mapping or {}).get("header_row")
    rows = (job.preview or {}).get(job.sheet_name, [])
    if header_row is not None and 0 <= header_row < len(rows):
        return list(rows[header_row])
    return []


def report_width(job: ImportJob, header: list) -> int:
    width = len(header)
    for info in job.sheets or ():
        if info["name"] == job.sheet_name:
            width = max(width, info.get("width", 0))
    return min(max(width, 2 if job.source == ImportJob.Source.PASTE else 1), MAX_REPORT_COLUMNS)


def report_xlsx(job: ImportJob, to_fix: Iterable[ImportRow], every_row: Iterable[ImportRow]):
    """A temporary file (rewound) with two sheets: the rows to fix — the original columns and
    a reason, ready to be corrected and uploaded again — and every row with its result."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, **_WORKBOOK_OPTIONS})
    bold = workbook.add_format({"bold": True})
    header = report_header(job)
    width = report_width(job, header)
    padded_header = [cell_text(value) for value in header] + [""] * (width - len(header))
    fix_sheet = workbook.add_worksheet(_("To fix")[:31])
    _write_row(fix_sheet, 0, [*padded_header, _("Reason")], bold)
    for number, row in enumerate(to_fix, start=1):
        _write_row(fix_sheet, number, [*_cells(row, width), " ".join(row_reasons(row))])
    all_sheet = workbook.add_worksheet(_("All rows")[:31])
    _write_row(all_sheet, 0, [_("Row"), *padded_header, _("Result"), _("Reason")], bold)
    for number, row in enumerate(every_row, start=1):
        values = [row.row_number, *_cells(row, width), outcome_label(row)]
        _write_row(all_sheet, number, [*values, " ".join(row_reasons(row))])
    for sheet in (fix_sheet, all_sheet):
        sheet.freeze_panes(1, 0)
    workbook.close()
    output.seek(0)
    return output


def _cells(row: ImportRow, width: int) -> list:
    cells = list(row.cells or ())[:width]
    return cells + [""] * (width - len(cells))
