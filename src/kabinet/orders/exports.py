"""Order exports: the filtered list (XLSX, CSV) and one order (XLSX).

Text never becomes a formula: XLSX cells are written as strings (xlsxwriter's formula and URL
guessing off), CSV cells that a spreadsheet would run (= + - @, tab, CR) get a leading
apostrophe. The list is read in chunks, so a long history does not sit in memory: CSV is
streamed row by row; XLSX is built in xlsxwriter's constant-memory mode in a temporary file
that is then streamed.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator

import xlsxwriter
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kabinet.orders.models import Order
from kabinet.orders.workflow import Status

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


def csv_safe(value: str) -> str:
    """A text cell that spreadsheets show as text (OWASP "CSV injection")."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _list_columns() -> list[str]:
    return [
        _("Number"),
        _("Number in 1C"),
        _("Date"),
        _("Counterparty"),
        _("Agreement"),
        _("Delivery address"),
        _("Status"),
        _("Desired delivery date"),
        _("Total"),
        _("VAT"),
        _("Currency"),
        _("Created in 1C"),
        _("Author"),
        _("Comment"),
    ]


def _list_values(order: Order) -> list:
    """One order as cells: str, Decimal, datetime/date or None."""
    return [
        order.number,
        order.erp_number,
        _local(order.created_at),
        order.counterparty.name,
        order.agreement.name,
        order.address.address if order.address else "",
        str(Status(order.status).label),
        order.desired_date,
        order.total,
        order.vat_total,
        order.currency,
        _("yes") if order.created_in_erp else _("no"),
        str(order.author) if order.author else "",
        order.comment,
    ]


def _export_rows(orders) -> Iterator[Order]:
    return orders.select_related("counterparty", "agreement", "address", "author").iterator(
        chunk_size=CHUNK
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, str):
        return csv_safe(value)
    return formats.number_format(value, decimal_pos=2)


def orders_csv(orders, *, language: str) -> Iterator[bytes]:
    """The orders as CSV (UTF-8 with BOM, ";"-separated, as Excel in Russia opens it)."""
    writer = csv.writer(_Echo(), delimiter=";")
    with translation.override(language):
        yield ("\ufeff" + writer.writerow(_list_columns())).encode()
        for order in _export_rows(orders):
            yield writer.writerow([_csv_cell(v) for v in _list_values(order)]).encode()


class _Sheet:
    """A worksheet written row by row with typed cells (text stays text)."""

    def __init__(self, workbook, name: str):
        self.sheet = workbook.add_worksheet(name)
        self.bold = workbook.add_format({"bold": True})
        self.date = workbook.add_format({"num_format": "dd.mm.yyyy"})
        self.datetime = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
        self.money = workbook.add_format({"num_format": "#,##0.00"})
        self.row = 0

    def write(self, values: Iterable, *, bold: bool = False) -> None:
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime):
                self.sheet.write_datetime(self.row, col, value, self.datetime)
            elif isinstance(value, datetime.date):
                self.sheet.write_datetime(self.row, col, value, self.date)
            elif isinstance(value, str):
                self.sheet.write_string(self.row, col, value, self.bold if bold else None)
            else:
                self.sheet.write_number(self.row, col, value, self.money)
        self.row += 1


def orders_xlsx(orders):
    """The orders as an XLSX workbook, in a temporary file positioned at its start."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    sheet = _Sheet(workbook, _("Orders")[:31])
    sheet.sheet.set_column(0, 1, 16)
    sheet.sheet.set_column(2, 2, 16)
    sheet.sheet.set_column(3, 5, 30)
    sheet.write(_list_columns(), bold=True)
    for order in _export_rows(orders):
        sheet.write(_list_values(order))
    workbook.close()
    target.seek(0)
    return target


def order_xlsx(order: Order):
    """One order (header, lines, totals) as XLSX, in a temporary file at its start."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    sheet = _Sheet(workbook, pgettext("purchase order", "Order")[:31])
    sheet.sheet.set_column(2, 2, 50)
    sheet.write([pgettext("purchase order", "Order"), order.number], bold=True)
    header = [
        (_("Number in 1C"), order.erp_number),
        (_("Date"), _local(order.created_at)),
        (_("Status"), str(Status(order.status).label)),
        (_("Counterparty"), order.counterparty.name),
        (_("Agreement"), order.agreement.name),
        (_("Delivery address"), order.address.address if order.address else ""),
        (_("Desired delivery date"), order.desired_date),
        (_("Comment"), order.comment),
    ]
    for label, value in header:
        sheet.write([label, value])
    sheet.write([])
    sheet.write(
        [
            _("No."),
            _("Article"),
            _("Product"),
            _("Unit"),
            _("Ordered"),
            _("Confirmed"),
            pgettext("quantity", "Shipped"),
            _("Remaining"),
            _("Backordered"),
            _("Price"),
            _("VAT rate, %"),
            _("Amount"),
        ],
        bold=True,
    )
    for number, line in enumerate(order.lines.all(), start=1):
        sheet.write(
            [
                str(number),
                line.article,
                line.product_name,
                line.unit,
                line.quantity,
                line.confirmed_quantity,
                line.shipped_quantity,
                line.remaining_quantity,
                line.backordered_quantity,
                line.price,
                line.vat_rate,
                line.amount,
            ]
        )
    sheet.write([])
    blank = [""] * 10  # the total under the amount column
    sheet.write([_("Total"), *blank, order.total], bold=True)
    sheet.write([_("Including VAT"), *blank, order.vat_total])
    workbook.close()
    target.seek(0)
    return target
