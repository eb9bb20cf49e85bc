"""Order rows from a mapped sheet (D2, D4) or from the "add by article" paste box (C4).

Both give `SourceRow`s, built by the same code, so the matcher and the report treat a file and
a paste alike. A row keeps what the report must show: its number as the user sees it, the
original cells and the reasons it cannot be used as it is.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from kabinet.imports.reading.headers import (
    CODE_ROLES,
    IDENTIFIER_ROLES,
    Role,
    header_key,
    is_total_text,
)
from kabinet.imports.reading.mapping import ColumnMapping, cell_at
from kabinet.imports.reading.values import (
    Cell,
    cell_is_empty,
    identifier_text,
    parse_number,
    parse_quantity,
)
from kabinet.imports.reading.workbook import Sheet


class RowIssue(StrEnum):
    """Why a row cannot be ordered as it stands (the reading half of D4's reasons)."""

    BAD_QUANTITY = "bad quantity"
    NON_POSITIVE_QUANTITY = "non-positive quantity"
    NO_IDENTIFIER = "no identifier"

    @property
    def label(self):
        return _ISSUE_LABELS[self]


_ISSUE_LABELS = {
    RowIssue.BAD_QUANTITY: _("The quantity is not a number"),
    RowIssue.NON_POSITIVE_QUANTITY: _("The quantity is zero or negative"),
    RowIssue.NO_IDENTIFIER: _("No article, code or name"),
}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One order line as the file or the paste gave it.

    `identifiers` holds the non-empty identifier cells by role (a pasted code is under
    `Role.ARTICLE`: the matcher looks it up as any kind of code). `quantity` is None when the
    quantity cell is empty — in a price list sent back with quantities filled in for a few rows
    that means "not ordered", so the caller decides — or when it is not a number
    (`RowIssue.BAD_QUANTITY`); zero and negative quantities are kept and flagged.
    """

    row_number: int
    cells: tuple[Cell, ...]
    identifiers: dict[Role, str]
    quantity: Decimal | None
    quantity_text: str = ""
    price: Decimal | None = None
    unit: str = ""
    issues: tuple[RowIssue, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.issues


def extract_rows(sheet: Sheet, mapping: ColumnMapping) -> list[SourceRow]:
    """The order rows below the header, as a list (see `iter_rows`)."""
    return list(iter_rows(sheet.rows, mapping))


def iter_rows(rows: Iterable[list[Cell]], mapping: ColumnMapping) -> Iterator[SourceRow]:
    """The order rows below the header, one at a time: a large sheet is never held twice (its
    cells and its rows), and `rows` may be a stream that is read as the rows are used.

    Skipped: empty rows, total rows ("Итого", "Всего", "Total"), the header printed again, rows
    with nothing in the mapped columns, and rows below the last total line that have no quantity
    (the notes and signatures under a table: "Менеджер: Петрова" is not an article). The rows
    below a total line are held back until the next total line or the end of the sheet decides.
    """
    identifier_columns = [
        (role, mapping.columns[role]) for role in IDENTIFIER_ROLES if role in mapping.columns
    ]
    quantity_column = mapping.columns.get(Role.QUANTITY)
    price_column = mapping.columns.get(Role.PRICE)
    unit_column = mapping.columns.get(Role.UNIT)
    header: dict[Role, str] = {}
    after_total: list[SourceRow] | None = None
    for index, row in enumerate(rows):
        if index < mapping.data_start_index:
            if index == mapping.header_row_index:
                header = {
                    role: header_key(cell_at(row, column)) for role, column in identifier_columns
                }
            continue
        identifiers = {}
        for role, column in identifier_columns:
            text = identifier_text(cell_at(row, column))
            if text:
                identifiers[role] = text.replace(" ", "") if role == Role.BARCODE else text
        quantity_cell = cell_at(row, quantity_column)
        if not identifiers and cell_is_empty(quantity_cell):
            continue
        if _is_total(row, identifiers):
            yield from after_total or ()
            after_total = []
            continue
        if header and _repeats_header(identifiers, header):
            continue
        source = _source_row(
            row_number=index + 1,
            cells=tuple(row),
            identifiers=identifiers,
            quantity_cell=quantity_cell,
            price_cell=cell_at(row, price_column),
            unit=identifier_text(cell_at(row, unit_column)),
        )
        if after_total is None:
            yield source
        else:
            after_total.append(source)
    for source in after_total or ():
        if source.quantity_text or quantity_column is None:
            yield source


def _source_row(*, row_number, cells, identifiers, quantity_cell, price_cell=None, unit=""):
    issues = []
    try:
        quantity = parse_quantity(quantity_cell)
    except ValueError:
        quantity = None
        issues.append(RowIssue.BAD_QUANTITY)
    if quantity is not None and quantity <= 0:
        issues.append(RowIssue.NON_POSITIVE_QUANTITY)
    if not identifiers:
        issues.append(RowIssue.NO_IDENTIFIER)
    try:
        price = parse_number(price_cell)
    except ValueError:
        price = None  # a price is only shown back to the user: never a reason to refuse a row
    return SourceRow(
        row_number=row_number,
        cells=cells,
        identifiers=identifiers,
        quantity=quantity,
        quantity_text="" if quantity_cell is None else str(quantity_cell).strip(),
        price=price,
        unit=unit,
        issues=tuple(issues),
    )


def _is_total(row: list[Cell], identifiers: dict[Role, str]) -> bool:
    """A total line: a cell reads "Итого…", and no product code is on the row (a product name
    "Total Clean" with its article is a product) unless the "code" is that very word."""
    codes = [identifiers[role] for role in CODE_ROLES if role in identifiers]
    if codes:
        return any(is_total_text(code) for code in codes)
    return any(is_total_text(cell) for cell in row)


def _repeats_header(identifiers: dict[Role, str], header: dict[Role, str]) -> bool:
    """The table header printed again (on each page of a long printed form)."""
    return bool(identifiers) and all(
        header_key(text) == header.get(role) for role, text in identifiers.items()
    )


# "article qty", "article;qty", "article<TAB>qty", "article x 10", "article * 10", "article, 10".
_FIELD_SEPARATOR = re.compile(r"\s*[\t;]\s*")
_CODE_AND_QUANTITY = re.compile(
    r"(?P<code>.+?)(?:\s+[xXхХ×*]\s*|\s*[×*]\s*|\s*,\s+|\s+)"
    r"(?P<quantity>[+-]?\d+(?:[.,]\d+)?(?:\s*[^\W\d_]+\.?)?)"
)


# The code-and-quantity pattern is quadratic in the line: a line this long is no "code qty".
_MAX_PASTED_LINE = 300


def parse_pasted_text(text: str) -> list[SourceRow]:
    """Rows from the "add by article" box: one product per line, a code then a quantity.

    The quantity is the last number on the line ("Болт М8 20" is 20 of "Болт М8"); without one
    it is 1. `row_number` is the line number; blank lines are skipped.
    """
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        code, quantity_text = _split_pasted_line(line)
        code = identifier_text(code)
        result.append(
            _source_row(
                row_number=number,
                cells=(code, quantity_text) if quantity_text else (code,),
                identifiers={Role.ARTICLE: code} if code else {},
                quantity_cell=quantity_text or 1,
            )
        )
    return result


def _split_pasted_line(line: str) -> tuple[str, str]:
    if _FIELD_SEPARATOR.search(line):
        code, *rest = _FIELD_SEPARATOR.split(line)
        quantities = [part for part in rest if part]
        return code, quantities[-1] if quantities else ""
    match = _CODE_AND_QUANTITY.fullmatch(line) if len(line) <= _MAX_PASTED_LINE else None
    if match:
        return match["code"], match["quantity"]
    return line, ""
