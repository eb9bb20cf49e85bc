"""The pure half: a CSV, XLSX or JSON file → rows of strings keyed by canonical columns.

Never touches the database.
"""

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import charset_normalizer
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from kabinet.accounts.partner_loading.report import LoadError

# Canonical column → the Russian headings an ERP export may use instead.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "partner_ext_id": ("ид партнера", "код партнера", "идентификатор партнера"),
    "partner_name": ("партнер", "наименование партнера"),
    "manager_email": ("менеджер", "email менеджера", "почта менеджера"),
    "counterparty_ext_id": ("ид контрагента", "код контрагента", "идентификатор контрагента"),
    "counterparty_name": ("контрагент", "наименование контрагента"),
    "inn": ("инн",),
    "kpp": ("кпп",),
    "parent_counterparty_ext_id": ("ид головного контрагента", "код головного контрагента"),
    "legal_address": ("юридический адрес", "юр адрес"),
    "agreement_ext_id": ("ид соглашения", "код соглашения", "ид договора", "код договора"),
    "agreement_name": ("соглашение", "наименование соглашения", "договор"),
    "agreement_number": ("номер соглашения", "номер договора"),
    "price_type": ("вид цен", "тип цен"),
    "currency": ("валюта",),
    "payment_deferral_days": ("отсрочка", "отсрочка платежа", "отсрочка платежа дней"),
    "credit_limit": ("кредитный лимит", "лимит кредита"),
    "address_ext_id": ("ид адреса", "код адреса", "ид адреса доставки"),
    "delivery_address": ("адрес доставки",),
    "admin_email": ("email администратора", "почта администратора"),
    "admin_phone": ("телефон администратора",),
    "admin_name": ("администратор", "фио администратора"),
}


def _header_key(title: str) -> str:
    """'Partner-Ext ID', 'partner_ext_id', 'E-mail  менеджера' → comparable keys."""
    title = title.strip().lower().replace("ё", "е")
    return " ".join(re.sub(r"[_\-./]+", " ", title).split()).replace("e mail", "email")


HEADER_ALIASES = {
    _header_key(title): column
    for column, synonyms in COLUMN_SYNONYMS.items()
    for title in (column, *synonyms)
}


class PartnerFileError(Exception):
    """The file cannot be read at all: unknown type, encoding or structure."""


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # canonical column → stripped text; every column of the file


@dataclass(frozen=True)
class PartnerFile:
    rows: list[Row]
    headers: dict[str, str]  # canonical column → its heading as written in the file
    errors: list[LoadError]


def partner_file_read(path: Path) -> PartnerFile:
    """Reads CSV (UTF-8 or Windows-1251; `;`, `,` or tab), XLSX/XLS/ODS or JSON."""
    if not path.is_file():
        raise PartnerFileError(_("There is no such file: %(path)s") % {"path": path})
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _table_read(_spreadsheet_table(path))
    if suffix == ".json":
        return _json_read(path.read_bytes())
    if suffix in (".csv", ".tsv", ".txt"):
        return _table_read(_csv_table(path.read_bytes()))
    raise PartnerFileError(
        _("Unknown file type “%(suffix)s”: use CSV, XLSX or JSON.") % {"suffix": suffix}
    )


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Only the two encodings ERP exports use: an open guess misreads short Cyrillic files.
    best = charset_normalizer.from_bytes(data, cp_isolation=["utf_8", "cp1251"]).best()
    if best is None:
        raise PartnerFileError(_("Cannot tell the file's encoding: save it as UTF-8."))
    return str(best)


def _csv_table(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=header.count)  # headings never contain the delimiter
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return list(enumerate(reader, 1))
    except csv.Error as error:
        raise PartnerFileError(
            _("Cannot read the CSV file: %(error)s") % {"error": error}
        ) from error


def _spreadsheet_table(path: Path) -> list[tuple[int, list[str]]]:
    try:
        workbook = CalamineWorkbook.from_path(path)
        try:
            data = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except CalamineError as error:
        raise PartnerFileError(
            _("Cannot read the spreadsheet: %(error)s") % {"error": error}
        ) from error
    return [
        (number, [_cell_text(value) for value in cells]) for number, cells in enumerate(data, 1)
    ]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Spreadsheets store INNs and amounts as floats: 7707083893.0 is the INN 7707083893.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _table_read(table: list[tuple[int, list[str]]]) -> PartnerFile:
    filled = [(number, cells) for number, cells in table if any(c.strip() for c in cells)]
    if not filled:
        raise PartnerFileError(_("The file is empty."))
    (header_number, header), data = filled[0], filled[1:]
    errors: list[LoadError] = []
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, title in enumerate(cell.strip() for cell in header):
        if not title:
            continue
        column = HEADER_ALIASES.get(_header_key(title))
        if column is None:
            errors.append(LoadError(header_number, title, _("unknown column")))
        elif column in positions:
            errors.append(LoadError(header_number, title, _("the column is given twice")))
        else:
            positions[column], headers[column] = index, title
    rows = []
    for number, cells in data:
        unheaded = [
            index
            for index, cell in enumerate(cells)
            if cell.strip() and (index >= len(header) or not header[index].strip())
        ]
        if unheaded:
            column = _("column %(number)d") % {"number": unheaded[0] + 1}
            errors.append(LoadError(number, column, _("a value in a column without a heading")))
        values = {col: (cells[i].strip() if i < len(cells) else "") for col, i in positions.items()}
        rows.append(Row(number, values))
    return PartnerFile(rows=rows, headers=headers, errors=errors)


def _json_read(data: bytes) -> PartnerFile:
    try:
        records = json.loads(_decode(data), parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise PartnerFileError(_("This is not valid JSON: %(error)s") % {"error": error}) from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise PartnerFileError(_("The JSON file must hold a list of objects, one per row."))
    errors: list[LoadError] = []
    headers: dict[str, str] = {}
    unknown: set[str] = set()
    found = []
    for number, record in enumerate(records, 1):  # in JSON a row is an object, counted from 1
        values: dict[str, str] = {}
        for name, value in record.items():
            column = HEADER_ALIASES.get(_header_key(name))
            if column is None:
                if name not in unknown:
                    unknown.add(name)
                    errors.append(LoadError(number, name, _("unknown column")))
            elif column in values:
                errors.append(LoadError(number, name, _("the column is given twice")))
            elif isinstance(value, dict | list):
                errors.append(LoadError(number, name, _("expected one value, not a list")))
            else:
                headers.setdefault(column, name)
                values[column] = _cell_text(value)
        if any(values.values()):
            found.append((number, values))
    rows = [Row(number, {col: values.get(col, "") for col in headers}) for number, values in found]
    return PartnerFile(rows=rows, headers=headers, errors=errors)
