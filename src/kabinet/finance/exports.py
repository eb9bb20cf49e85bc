"""Finance exports: every list of the finance pages as XLSX and CSV.

The same rules as the order exports (`kabinet.orders.exports`): text never becomes a formula,
CSV is UTF-8 with BOM and ";"-separated, long lists are read in chunks and streamed, XLSX is
built in constant-memory mode in a temporary file.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kabinet.finance.models import Payment, ReconciliationRequest, ScheduleItem
from kabinet.finance.selectors import AgreementCredit, PaymentReport
from kabinet.orders.exports import WORKBOOK_OPTIONS, csv_safe

CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """A list to export: its sheet title, column titles and rows of cells
    (str, Decimal, int, date/datetime or None), all computed lazily in the active language."""

    title: Callable[[], str]
    columns: Callable[[], list[str]]
    rows: Callable[[], Iterable[list]]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, int):
        return str(value)
    return formats.number_format(value, decimal_pos=2)


class _Echo:
    def write(self, value: str) -> str:
        return value


def table_csv(table: Table, *, language: str) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), delimiter=";")
    with translation.override(language):
        yield ("\ufeff" + writer.writerow(table.columns())).encode()
        for row in table.rows():
            yield writer.writerow([_csv_cell(v) for v in row]).encode()


def table_xlsx(table: Table, *, language: str):
    """The table as an XLSX workbook, in a temporary file positioned at its start."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    with translation.override(language):
        sheet = workbook.add_worksheet(table.title()[:31])
        bold = workbook.add_format({"bold": True})
        date = workbook.add_format({"num_format": "dd.mm.yyyy"})
        moment = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
        amount = workbook.add_format({"num_format": "#,##0.00"})
        columns = table.columns()
        sheet.set_column(0, len(columns) - 1, 18)
        for col, title in enumerate(columns):
            sheet.write_string(0, col, title, bold)
        for row_no, row in enumerate(table.rows(), start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, datetime.datetime):
                    local = timezone.localtime(value).replace(tzinfo=None)
                    sheet.write_datetime(row_no, col, local, moment)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(row_no, col, value, date)
                elif isinstance(value, str):
                    sheet.write_string(row_no, col, value)
                elif isinstance(value, int):
                    sheet.write_number(row_no, col, value)
                else:
                    sheet.write_number(row_no, col, value, amount)
    workbook.close()
    target.seek(0)
    return target


def table_response(table: Table, *, fmt: str, filename: str, language: str):
    if fmt == "csv":
        response = StreamingHttpResponse(
            table_csv(table, language=language), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    return FileResponse(
        table_xlsx(table, language=language),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )


# ── The finance lists ───────────────────────────────────────────────────────────────────────


def payments_table(payments) -> Table:
    def rows():
        payment: Payment
        for payment in payments.iterator(chunk_size=CHUNK):
            yield [
                payment.number,
                payment.date,
                payment.counterparty.name,
                payment.agreement.name if payment.agreement else "",
                payment.purpose,
                payment.amount,
                payment.currency,
            ]

    return Table(
        title=lambda: _("Payment documents"),
        columns=lambda: [
            _("Payment order number"),
            _("Date"),
            _("Counterparty"),
            _("Agreement"),
            _("Purpose of payment"),
            _("Amount"),
            _("Currency"),
        ],
        rows=rows,
    )


def report_table(report: PaymentReport) -> Table:
    by_agreement = report.group_by == "agreement"

    def columns():
        titles = [_("Counterparty")]
        if by_agreement:
            titles.append(_("Agreement"))
        return [*titles, _("Payments"), _("Amount"), _("Currency")]

    def rows():
        for group in report.groups:
            cells = [group.counterparty]
            if by_agreement:
                cells.append(group.agreement or _("No agreement"))
            yield [*cells, group.count, group.total, group.currency]
        for currency, (count, total) in report.totals.items():
            yield [_("Total"), *([""] if by_agreement else []), count, total, currency]

    return Table(title=lambda: _("Payments report"), columns=columns, rows=rows)


def calendar_table(items, *, today: datetime.date) -> Table:
    labels = {
        "overdue": lambda: _("Overdue"),
        "today": lambda: _("Due today"),
        "upcoming": lambda: _("Upcoming"),
    }

    def rows():
        item: ScheduleItem
        for item in items.iterator(chunk_size=CHUNK):
            group = "overdue" if item.due_date < today else "upcoming"
            if item.due_date == today:
                group = "today"
            yield [
                labels[group](),
                item.due_date,
                item.document,
                item.document_date,
                item.counterparty.name,
                item.agreement.name,
                item.amount,
                item.paid,
                item.remaining,
                item.currency,
            ]

    return Table(
        title=lambda: _("Payment calendar"),
        columns=lambda: [
            _("Status"),
            _("Due date"),
            _("Document"),
            _("Document date"),
            _("Counterparty"),
            _("Agreement"),
            _("Amount"),
            pgettext("amount", "Paid"),
            _("Remaining"),
            _("Currency"),
        ],
        rows=rows,
    )


def credit_table(agreements: list[AgreementCredit]) -> Table:
    def rows():
        for credit in agreements:
            yield [
                credit.counterparty,
                credit.agreement,
                credit.limit,
                credit.debt,
                credit.overdue,
                credit.available,
                credit.as_of,
                credit.currency,
            ]

    return Table(
        title=lambda: _("Credit"),
        columns=lambda: [
            _("Counterparty"),
            _("Agreement"),
            _("Credit limit"),
            _("Debt"),
            _("Overdue debt"),
            _("Available"),
            _("As of"),
            _("Currency"),
        ],
        rows=rows,
    )


def requests_table(requests) -> Table:
    def rows():
        request: ReconciliationRequest
        for request in requests.iterator(chunk_size=CHUNK):
            yield [
                request.created_at,
                request.counterparty.name,
                request.period_from,
                request.period_to,
                _("yes") if request.with_stamp else _("no"),
                str(request.get_status_display()),
                request.refusal_reason,
            ]

    return Table(
        title=lambda: _("Reconciliation acts"),
        columns=lambda: [
            _("Requested"),
            _("Counterparty"),
            _("Period from"),
            _("Period to"),
            _("With stamp and signature"),
            _("Status"),
            _("Reason for refusal"),
        ],
        rows=rows,
    )
