"""The partner's personal price list (B8): its agreement's whole assortment, its own prices.

Memory stays flat whatever the size of the catalog: SKUs are read with `.iterator()` in chunks
of CHUNK and priced per chunk through `pricing.selectors` (one query for the prices, one for
the stock, one for the barcodes of each chunk), and xlsxwriter runs in `constant_memory` mode,
flushing each row to a temporary file as it is written. The finished workbook is a temporary
file that the view streams with FileResponse. Text cells are always written as strings, so a
name beginning with "=" stays text and never becomes a formula.
"""

from collections.abc import Callable
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.catalog.models import Barcode
from kabinet.catalog.sections import section_path, sections_all
from kabinet.catalog.stock import LEVEL_LABELS, stock_display, stock_level
from kabinet.pricing.selectors import orderable_variants, prices_for, pricing_context, stock_for

CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIELDS = (
    "pk",
    "name",
    "color",
    "size",
    "product__section_id",
    "product__article",
    "product__erp_code",
    "product__name",
    "product__unit",
    "product__vat_rate",
    "product__order_multiple",
    "product__min_quantity",
)


def _columns() -> list[tuple[str, int]]:
    return [
        (_("Section"), 30),
        (_("Article"), 16),
        (_("1C code"), 14),
        (_("Name"), 50),
        (_("Characteristic"), 24),
        (_("Unit"), 8),
        (_("VAT, %"), 8),
        (_("Price with VAT"), 14),
        (_("Currency"), 9),
        (_("Stock"), 10),
        (_("Order multiple"), 10),
        (_("Minimum quantity"), 10),
        (_("Barcode"), 16),
    ]


def price_list_write(
    *, scope: Scope, agreement: Agreement, output, on_progress: Callable[[int], None] | None = None
) -> int:
    """Write the XLSX price list of `agreement` into `output` (a path or a binary file);
    returns the number of SKU rows. `on_progress(n)` is told after each chunk how many SKUs
    were read so far."""
    context = pricing_context(scope=scope, agreement=agreement)
    levels = stock_display() == "levels"
    sections = sections_all()
    section_names: dict[int, str] = {}

    def section_name(section_id: int) -> str:
        if section_id not in section_names:
            path = section_path(section_id, sections)
            section_names[section_id] = " / ".join(s.name for s in path)
        return section_names[section_id]

    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.set_properties({"title": _("Price list"), "subject": agreement.name})
    sheet = workbook.add_worksheet(_("Price list")[:31])
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    quantity_format = workbook.add_format({"num_format": "#,##0.###"})
    columns = _columns()
    for index, (title, width) in enumerate(columns):
        sheet.set_column(index, index, width)
        sheet.write_string(0, index, title, bold)
    sheet.freeze_panes(1, 0)

    variants = (
        orderable_variants(context)
        .order_by(
            "product__section__sort",
            "product__section__name",
            "product__section_id",
            "product__name",
            "product_id",
            "sort",
            "pk",
        )
        .values_list(*FIELDS)
    )
    row_number = 0
    read = 0
    chunk: list[tuple] = []

    def flush() -> None:
        nonlocal row_number, read
        ids = [row[0] for row in chunk]
        prices = prices_for(context=context, variant_ids=ids)
        stock = stock_for(variant_ids=ids)
        barcodes: dict[int, str] = {}
        for variant_id, code in (
            Barcode.objects.filter(variant_id__in=ids)
            .order_by("pk")
            .values_list("variant_id", "code")
        ):
            barcodes.setdefault(variant_id, code)
        for row in chunk:
            price = prices.get(row[0])
            if price is None:  # no price for this agreement: not orderable, not listed
                continue
            row_number += 1
            _write_row(
                sheet,
                row_number,
                row,
                section_name(row[4]),
                price,
                stock.get(row[0], Decimal(0)),
                barcodes.get(row[0], ""),
                money_format,
                quantity_format,
                levels,
            )
        read += len(chunk)
        chunk.clear()
        if on_progress is not None:
            on_progress(read)

    for row in variants.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    sheet.autofilter(0, 0, max(row_number, 1), len(columns) - 1)
    workbook.close()
    return row_number


def _write_row(
    sheet, row_number, row, section, price, stock, barcode, money_format, qty_format, levels
):
    (
        _pk,
        name,
        color,
        size,
        _section_id,
        article,
        erp_code,
        product_name,
        unit,
        vat_rate,
        multiple,
        minimum,
    ) = row
    characteristic = name or " ".join(part for part in (color, size) if part)
    text = sheet.write_string
    text(row_number, 0, section)
    text(row_number, 1, article)
    text(row_number, 2, erp_code)
    text(row_number, 3, product_name)
    text(row_number, 4, characteristic)
    text(row_number, 5, unit)
    if vat_rate is None:
        text(row_number, 6, _("no VAT"))
    else:
        sheet.write_number(row_number, 6, float(vat_rate))
    sheet.write_number(row_number, 7, float(price.amount), money_format)
    text(row_number, 8, price.currency)
    if levels:  # the supplier shows availability, not quantities: so does the file
        text(row_number, 9, str(LEVEL_LABELS[stock_level(stock)]))
    else:
        sheet.write_number(row_number, 9, float(stock), qty_format)
    sheet.write_number(row_number, 10, float(multiple), qty_format)
    sheet.write_number(row_number, 11, float(minimum), qty_format)
    text(row_number, 12, barcode)
