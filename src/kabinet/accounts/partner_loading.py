"""Partner accounts created in bulk from the ERP's partner list (A6): `kabinet load-partners`.

Two halves. The parser (`partner_file_read`) turns a CSV, XLSX or JSON file into flat rows of
strings keyed by canonical column names and never touches the database. The service
(`partners_load`) checks every row against the rules and the database, collecting all errors,
and only when there are none applies the file in one transaction: partners, counterparties,
agreements and addresses are upserted by `ext_id`, administrators by e-mail or phone.

The file states each entity it names. A value comes from whichever of the entity's rows gives
it (two rows giving different values is an error); a column present but empty on all of an
entity's rows clears an optional field; a column absent from the file leaves the field alone.
Administrators are never cleared: an empty name, e-mail or phone keeps the current one.
"""

import codecs
import csv
import io
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import charset_normalizer
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    User,
)
from kabinet.accounts.phones import phone_normalize
from kabinet.accounts.services import (
    invitation_send,
    password_temporary_generate,
    password_temporary_hash,
)
from kabinet.pricing.models import PriceType

logger = logging.getLogger(__name__)

BATCH = 500

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


# ── Report ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class LoadError:
    row: int | None  # as the user sees it: the header is row 1; None for the file as a whole
    column: str
    message: str

    def format(self, headers: Mapping[str, str] | None = None) -> str:
        column = (headers or {}).get(self.column, self.column)
        if self.row is None:
            return f"{column}: {self.message}"
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": column,
            "message": self.message,
        }


@dataclass
class KindCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class NewAdministrator:
    partner: Partner
    user: User
    password: str


KINDS = ("partners", "counterparties", "agreements", "addresses", "administrators")


@dataclass
class LoadReport:
    dry_run: bool = False
    errors: list[LoadError] = field(default_factory=list)
    counts: dict[str, KindCount] = field(default_factory=lambda: {k: KindCount() for k in KINDS})
    new_administrators: list[NewAdministrator] = field(default_factory=list)
    invitations_failed: list[NewAdministrator] = field(default_factory=list)


# ── Parser: file → rows of strings ──────────────────────────────────────────────────────────


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


# ── Cell values ─────────────────────────────────────────────────────────────────────────────


class _Invalid(Exception):
    pass


def _text(limit: int) -> Callable[[str], str]:
    def clean(raw: str) -> str:
        if len(raw) > limit:
            raise _Invalid(_("too long: at most %(limit)d characters") % {"limit": limit})
        return raw

    return clean


INN_WEIGHTS = {
    10: [(9, [2, 4, 10, 3, 5, 9, 4, 6, 8])],
    12: [(10, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]), (11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])],
}


def _inn(raw: str) -> str:
    if not raw.isdecimal() or len(raw) not in INN_WEIGHTS:
        raise _Invalid(_("an INN is 10 digits (organisations) or 12 digits (individuals)"))
    digits = [int(char) for char in raw]
    for position, weights in INN_WEIGHTS[len(raw)]:
        if sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10 != digits[position]:
            raise _Invalid(_("the INN's check digit is wrong: is there a typo?"))
    return raw


def _kpp(raw: str) -> str:
    raw = raw.upper()
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", raw):
        raise _Invalid(_("a KPP is 9 characters: 4 digits, 2 digits or letters, 3 digits"))
    return raw


def _currency(raw: str) -> str:
    raw = raw.upper()
    if not re.fullmatch(r"[A-Z]{3}", raw):
        raise _Invalid(_("a currency is a three-letter code such as RUB"))
    return raw


def _days(raw: str) -> int:
    raw = re.sub(r"\s", "", raw)
    if not raw.isdecimal() or int(raw) > 2_147_483_647:
        raise _Invalid(_("not a whole number of days"))
    return int(raw)


def _money(raw: str) -> Decimal:
    text = re.sub(r"\s", "", raw)  # "1 500 000,50" with spaces or non-breaking spaces
    if "," in text and "." in text:
        raise _Invalid(_("not a number: use either a decimal comma or a decimal point"))
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise _Invalid(_("not a number")) from None
    if not amount.is_finite():
        raise _Invalid(_("not a number"))
    if amount < 0:
        raise _Invalid(_("must not be negative"))
    if amount != amount.quantize(Decimal("0.01")):
        raise _Invalid(_("at most 2 digits after the decimal point"))
    if amount >= 10**13:
        raise _Invalid(_("too large"))
    return amount.quantize(Decimal("0.01"))


def _email(raw: str) -> str:
    raw = raw.lower()
    try:
        validate_email(raw)
    except ValidationError:
        raise _Invalid(_("not an e-mail address")) from None
    return raw


def _phone(raw: str) -> str:
    phone = phone_normalize(raw)
    if phone is None:
        raise _Invalid(_("not a phone number"))
    return phone


CLEANERS: dict[str, Callable[[str], Any]] = {
    "partner_ext_id": _text(80),
    "partner_name": _text(300),
    "manager_email": _email,
    "counterparty_ext_id": _text(80),
    "counterparty_name": _text(300),
    "inn": _inn,
    "kpp": _kpp,
    "parent_counterparty_ext_id": _text(80),
    "legal_address": _text(500),
    "agreement_ext_id": _text(80),
    "agreement_name": _text(300),
    "agreement_number": _text(100),
    "price_type": _text(200),
    "currency": _currency,
    "payment_deferral_days": _days,
    "credit_limit": _money,
    "address_ext_id": _text(80),
    "delivery_address": _text(500),
    "admin_email": _email,
    "admin_phone": _phone,
    "admin_name": _text(200),
}


# ── Rows → entities ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Kind:
    name: str
    key: str  # the column holding the ext_id
    owner: str | None  # the column naming, on the same row, what it belongs to
    fields: dict[str, str]  # column → model field
    required: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)  # for a present column left empty


PARTNERS = _Kind(
    "partners",
    "partner_ext_id",
    None,
    {"partner_name": "name", "manager_email": "manager_id"},
    ("partner_name",),
    {"manager_email": None},
)
COUNTERPARTIES = _Kind(
    "counterparties",
    "counterparty_ext_id",
    "partner_ext_id",
    {
        "counterparty_name": "name",
        "inn": "inn",
        "kpp": "kpp",
        "legal_address": "legal_address",
        "parent_counterparty_ext_id": "parent_id",
    },
    ("counterparty_name",),
    {"inn": "", "kpp": "", "legal_address": "", "parent_counterparty_ext_id": None},
)
AGREEMENTS = _Kind(
    "agreements",
    "agreement_ext_id",
    "counterparty_ext_id",
    {
        "agreement_name": "name",
        "agreement_number": "number",
        "price_type": "price_type_id",
        "currency": "currency",
        "payment_deferral_days": "payment_deferral_days",
        "credit_limit": "credit_limit",
    },
    ("agreement_name",),
    {
        "agreement_number": "",
        "price_type": None,
        "currency": "RUB",
        "payment_deferral_days": 0,
        "credit_limit": None,
    },
)
ADDRESSES = _Kind(
    "addresses",
    "address_ext_id",
    "counterparty_ext_id",
    {"delivery_address": "address"},
    ("delivery_address",),
)
ADMINISTRATORS = _Kind(
    "administrators",
    "admin_email",  # or admin_phone when a row has no e-mail
    "partner_ext_id",
    {"admin_email": "email", "admin_phone": "phone", "admin_name": "full_name"},
)
ENTITY_KINDS = (PARTNERS, COUNTERPARTIES, AGREEMENTS, ADDRESSES, ADMINISTRATORS)
PARENT = "parent_counterparty_ext_id"


@dataclass
class _Entity:
    key: str
    key_column: str
    row: int  # the first row naming it
    owner: str | None
    values: dict[str, Any] = field(default_factory=dict)  # column → cleaned value
    rows: dict[str, int] = field(default_factory=dict)  # column → the row its value came from
    given: set[str] = field(default_factory=set)  # columns some row filled, valid or not

    def value(self, kind: _Kind, column: str) -> Any:
        return self.values.get(column, kind.defaults.get(column))


Entities = dict[str, dict[str, _Entity]]  # kind name → key → entity


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _conflict(row: int, column: str, entity: _Entity, other_row: int, other: Any) -> LoadError:
    message = _("differs from row %(row)d (“%(other)s”) for the same %(key)s “%(value)s”") % {
        "row": other_row,
        "other": _shown(other),
        "key": entity.key_column,
        "value": entity.key,
    }
    return LoadError(row, column, message)


def _columns_check(columns: set[str]) -> list[LoadError]:
    missing = _("the column is missing")
    errors = [
        LoadError(None, c, missing) for c in ("partner_ext_id", "partner_name") if c not in columns
    ]
    for kind in (COUNTERPARTIES, AGREEMENTS, ADDRESSES):
        needed = [kind.owner, *kind.required] if kind.key in columns else []
        for column in needed:
            if column not in columns and column not in {error.column for error in errors}:
                message = _("the column is missing: %(key)s needs it") % {"key": kind.key}
                errors.append(LoadError(None, column, message))
        for column in kind.fields:
            if column in columns and kind.key not in columns:
                message = _("this column needs the column %(key)s") % {"key": kind.key}
                errors.append(LoadError(None, column, message))
    if "admin_name" in columns and not {"admin_email", "admin_phone"} & columns:
        message = _("this column needs the column admin_email or admin_phone")
        errors.append(LoadError(None, "admin_name", message))
    return errors


def _entities_collect(rows: Sequence[Row], columns: set[str], errors: list[LoadError]) -> Entities:
    found: Entities = {kind.name: {} for kind in ENTITY_KINDS}
    for row in rows:
        cleaned = {}
        for column, raw in row.cells.items():
            if raw:
                try:
                    cleaned[column] = CLEANERS[column](raw)
                except _Invalid as invalid:
                    errors.append(LoadError(row.number, column, str(invalid)))
        if not row.cells.get("partner_ext_id"):
            if "partner_ext_id" in columns:  # else reported once by _columns_check
                errors.append(LoadError(row.number, "partner_ext_id", _("a value is required")))
            continue
        for kind in ENTITY_KINDS:
            _row_take(kind, row, cleaned, columns, found[kind.name], errors)
    for kind in ENTITY_KINDS:
        for entity in found[kind.name].values():
            for column in kind.required:
                if column in columns and column not in entity.given:
                    errors.append(LoadError(entity.row, column, _("a value is required")))
    return found


def _row_take(
    kind: _Kind,
    row: Row,
    cleaned: dict[str, Any],
    columns: set[str],
    entities: dict[str, _Entity],
    errors: list[LoadError],
) -> None:
    """Adds what one row says about one kind of entity, checking it against earlier rows."""
    cells = row.cells
    key_column = kind.key
    if kind is ADMINISTRATORS and not cells.get("admin_email"):
        key_column = "admin_phone"
    if key_column not in columns or (kind.owner and kind.owner not in columns):
        return  # reported once by _columns_check
    if not cells.get(key_column):
        key_name = "admin_email, admin_phone" if kind is ADMINISTRATORS else key_column
        for column in kind.fields:
            if cells.get(column):
                message = _("given, but %(key)s is empty on this row") % {"key": key_name}
                errors.append(LoadError(row.number, column, message))
        return
    key = cleaned.get(key_column)
    owner = cleaned.get(kind.owner) if kind.owner else None
    if kind.owner and not cells.get(kind.owner):
        message = _("given, but %(owner)s is empty on this row") % {"owner": kind.owner}
        errors.append(LoadError(row.number, key_column, message))
        return
    if key is None or (kind.owner and owner is None):
        return  # an invalid value, already reported
    entity = entities.get(key)
    if entity is None:
        entity = entities[key] = _Entity(key, key_column, row.number, owner)
    elif kind.owner and entity.owner != owner:
        errors.append(_conflict(row.number, kind.owner, entity, entity.row, entity.owner))
    for column in kind.fields:
        if not cells.get(column):
            continue
        entity.given.add(column)
        if column not in cleaned:
            continue
        if column not in entity.values:
            entity.values[column], entity.rows[column] = cleaned[column], row.number
        elif entity.values[column] != cleaned[column]:
            earlier = entity.values[column]
            errors.append(_conflict(row.number, column, entity, entity.rows[column], earlier))


def _administrator_phones_check(found: Entities, errors: list[LoadError]) -> None:
    """Two administrators in the file cannot share a phone: it is a login."""
    seen: dict[str, _Entity] = {}
    for entity in found["administrators"].values():
        phone = entity.values.get("admin_phone")
        if phone is None:
            continue
        if phone in seen:
            message = _("the same phone as the administrator on row %(row)d") % {
                "row": seen[phone].row
            }
            errors.append(LoadError(entity.rows["admin_phone"], "admin_phone", message))
        else:
            seen[phone] = entity


# ── Against the database ────────────────────────────────────────────────────────────────────


def _chunks(values: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _fetch(queryset: models.QuerySet, lookup: str, values: Iterable[Any]) -> list[Any]:
    return [obj for chunk in _chunks(set(values)) for obj in queryset.filter(**{lookup: chunk})]


@dataclass
class _Existing:
    partners: dict[str, Partner]
    managers: dict[str, int]
    price_types: dict[str, int]
    counterparties: dict[str, Counterparty]
    agreements: dict[str, Agreement]
    addresses: dict[str, DeliveryAddress]
    users: dict[str, User]  # administrator key → the user it is


def _existing_fetch(found: Entities, columns: set[str], errors: list[LoadError]) -> _Existing:
    """Loads every row the file refers to in a few queries, reporting what does not fit."""
    partners = _fetch(Partner.objects.all(), "ext_id__in", found["partners"])
    parents = {e.values[PARENT] for e in found["counterparties"].values() if PARENT in e.values}
    counterparties = _fetch(
        Counterparty.objects.annotate(
            partner_ext_id=F("partner__ext_id"), partner_name=F("partner__name")
        ),
        "ext_id__in",
        {*found["counterparties"], *parents},
    )
    owned = {
        "partner_ext_id": F("counterparty__partner__ext_id"),
        "partner_name": F("counterparty__partner__name"),
    }
    existing = _Existing(
        partners={p.ext_id: p for p in partners},
        managers=_managers_match(found["partners"], errors),
        price_types=_price_types_match(found["agreements"], errors),
        counterparties={c.ext_id: c for c in counterparties},
        agreements={
            a.ext_id: a
            for a in _fetch(Agreement.objects.annotate(**owned), "ext_id__in", found["agreements"])
        },
        addresses={
            a.ext_id: a
            for a in _fetch(
                DeliveryAddress.objects.annotate(**owned), "ext_id__in", found["addresses"]
            )
        },
        users=_administrators_match(found["administrators"], errors),
    )
    _counterparties_check(found, existing.counterparties, errors)
    if PARENT in columns:
        _parent_loops_check(found["counterparties"], errors)
    for kind, current in ((AGREEMENTS, existing.agreements), (ADDRESSES, existing.addresses)):
        _owner_kept_check(kind, found, current, errors)
    return existing


def _managers_match(partners: dict[str, _Entity], errors: list[LoadError]) -> dict[str, int]:
    emails = {e.values["manager_email"] for e in partners.values() if "manager_email" in e.values}
    staff = User.objects.filter(is_staff=True).values_list("email", "pk")
    managers = dict(_fetch(staff, "email__in", emails))
    for entity in partners.values():
        email = entity.values.get("manager_email")
        if email and email not in managers:
            message = _("no supplier staff user has this e-mail")
            errors.append(LoadError(entity.rows["manager_email"], "manager_email", message))
    return managers


def _price_types_match(agreements: dict[str, _Entity], errors: list[LoadError]) -> dict[str, int]:
    """A price type is named by its 1C id or, failing that, by its name if no other has it."""
    wanted = {e.values["price_type"] for e in agreements.values() if "price_type" in e.values}
    price_types = PriceType.objects.values_list("pk", "ext_id", "name")
    by_ext_id: dict[str, int] = {}
    by_name: dict[str, set[int]] = defaultdict(set)
    for pk, ext_id, name in _fetch(price_types, "ext_id__in", wanted) + _fetch(
        price_types, "name__in", wanted
    ):
        by_ext_id[ext_id] = pk
        by_name[name].add(pk)
    matched = {}
    for value in wanted:
        if value in by_ext_id:
            matched[value] = by_ext_id[value]
        elif len(by_name[value]) == 1:
            matched[value] = next(iter(by_name[value]))
    for entity in agreements.values():
        value = entity.values.get("price_type")
        if value and value not in matched:
            if len(by_name[value]) > 1:
                message = _("several price types have this name: give the 1C id instead")
            else:
                message = _("no price type has this 1C id or name")
            errors.append(LoadError(entity.rows["price_type"], "price_type", message))
    return matched


def _administrators_match(admins: dict[str, _Entity], errors: list[LoadError]) -> dict[str, User]:
    """The existing user each administrator is, found by e-mail, else by phone."""
    users = User.objects.annotate(partner_ext_id=F("partner__ext_id"))
    emails = [e.values["admin_email"] for e in admins.values() if "admin_email" in e.values]
    phones = [e.values["admin_phone"] for e in admins.values() if "admin_phone" in e.values]
    by_email = {u.email: u for u in _fetch(users, "email__in", emails)}
    by_phone = {u.phone: u for u in _fetch(users, "phone__in", phones)}
    matched: dict[str, User] = {}
    claimed: dict[int, _Entity] = {}
    for key, entity in admins.items():
        with_email = by_email.get(entity.values.get("admin_email"))
        with_phone = by_phone.get(entity.values.get("admin_phone"))
        user = with_email or with_phone
        if user is None:
            continue
        column = "admin_email" if with_email else "admin_phone"
        row = entity.rows.get(column, entity.row)
        if with_email and with_phone and with_email.pk != with_phone.pk:
            message = _("this phone number is another user's (%(login)s)")
            errors.append(
                LoadError(
                    entity.rows["admin_phone"], "admin_phone", message % {"login": with_phone.login}
                )
            )
        elif user.partner_ext_id is None or user.partner_ext_id != entity.owner:
            message = _("already used by a user of another partner or of the supplier")
            errors.append(LoadError(row, column, message))
        elif user.pk in claimed:
            message = _("the same user as the administrator on row %(row)d") % {
                "row": claimed[user.pk].row
            }
            errors.append(LoadError(row, column, message))
        else:
            matched[key], claimed[user.pk] = user, entity
    return matched


def _counterparties_check(
    found: Entities, current: dict[str, Counterparty], errors: list[LoadError]
) -> None:
    """A counterparty stays with its partner; its head company is one of the same partner's."""
    entities = found["counterparties"]
    for key, entity in entities.items():
        existing = current.get(key)
        if existing is not None and existing.partner_ext_id != entity.owner:
            message = _("in the portal this counterparty belongs to another partner (%(name)s)")
            errors.append(
                LoadError(entity.row, COUNTERPARTIES.key, message % {"name": existing.partner_name})
            )
        parent = entity.values.get(PARENT)
        if not parent:
            continue
        row = entity.rows[PARENT]
        if parent in entities:
            parent_partner = entities[parent].owner
        elif parent in current:
            parent_partner = current[parent].partner_ext_id
        else:
            message = _("no such counterparty in the file or in the portal")
            errors.append(LoadError(row, PARENT, message))
            continue
        if parent == key:
            errors.append(
                LoadError(row, PARENT, _("a counterparty cannot be its own head company"))
            )
        elif parent_partner != entity.owner:
            message = _("the head company belongs to another partner")
            errors.append(LoadError(row, PARENT, message))


def _parent_loops_check(entities: dict[str, _Entity], errors: list[LoadError]) -> None:
    """Head companies must not form a loop once the file's links replace the current ones."""
    in_portal = Counterparty.objects.values_list("pk", "ext_id", "parent_id", "parent__ext_id")
    partners = {entity.owner for entity in entities.values()}
    parent_of: dict[str, str | None] = {}
    for pk, ext_id, parent_pk, parent_ext_id in _fetch(in_portal, "partner__ext_id__in", partners):
        parent_of[ext_id or f"#{pk}"] = (parent_ext_id or f"#{parent_pk}") if parent_pk else None
    for key, entity in entities.items():
        parent_of[key] = entity.values.get(PARENT)
    for key, entity in entities.items():
        chain, node = [key], parent_of.get(key)
        while node is not None and node not in chain:
            chain.append(node)
            node = parent_of.get(node)
        if node == key and len(chain) > 1:
            message = _("head companies form a loop: %(chain)s") % {
                "chain": " → ".join([*chain, key])
            }
            errors.append(LoadError(entity.rows.get(PARENT, entity.row), PARENT, message))


def _owner_kept_check(
    kind: _Kind, found: Entities, current: dict[str, Any], errors: list[LoadError]
) -> None:
    """An agreement or address may move between counterparties of its partner, not further."""
    counterparties = found["counterparties"]
    for key, entity in found[kind.name].items():
        existing, counterparty = current.get(key), counterparties.get(entity.owner)
        if existing is None or counterparty is None:
            continue
        if existing.partner_ext_id != counterparty.owner:
            message = _("in the portal this belongs to another partner (%(name)s)")
            errors.append(
                LoadError(entity.row, kind.key, message % {"name": existing.partner_name})
            )


# ── Applying ────────────────────────────────────────────────────────────────────────────────


def _fields(
    kind: _Kind,
    entity: _Entity,
    columns: set[str],
    *,
    resolve: Mapping[str, Callable[[Any], Any]] | None = None,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The model fields the file sets for one entity (only for the columns it has)."""
    resolve = resolve or {}
    fields = {}
    for column, name in kind.fields.items():
        if column in columns and column not in skip:
            value = entity.value(kind, column)
            fields[name] = resolve[column](value) if column in resolve else value
    return fields


def _insert(
    model: type[models.Model],
    desired: dict[str, dict[str, Any]],
    existing: Mapping[str, Any],
    *,
    dry_run: bool,
) -> dict[str, Any]:
    """Creates the objects not in the database yet; a dry run gives them stand-in keys."""
    new = [model(ext_id=key, **fields) for key, fields in desired.items() if key not in existing]
    if dry_run:
        for number, obj in enumerate(new, 1):
            obj.pk = -number
    else:
        model.objects.bulk_create(new, batch_size=BATCH)
        if any(obj.pk is None for obj in new):  # a database that does not return keys
            pks = dict(_fetch(model.objects.values_list("ext_id", "pk"), "ext_id__in", desired))
            for obj in new:
                obj.pk = pks[obj.ext_id]
    return {obj.ext_id: obj for obj in new}


def _update(
    model: type[models.Model],
    desired: Mapping[str, dict[str, Any]],
    objects: Mapping[str, Any],
    count: KindCount,
    *,
    created: Mapping[str, Any],
    dry_run: bool,
) -> None:
    """Writes only the fields that differ, only on the objects where they do."""
    changed_by_fields: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for key, fields in desired.items():
        obj = objects[key]
        changed = tuple(name for name, value in fields.items() if getattr(obj, name) != value)
        if key not in created:
            if changed:
                count.updated += 1
            else:
                count.unchanged += 1
        for name in changed:
            setattr(obj, name, fields[name])
        if changed:
            changed_by_fields[changed].append(obj)
    if not dry_run:
        for names, objs in changed_by_fields.items():
            model.objects.bulk_update(objs, names, batch_size=BATCH)


def _upsert(
    model: type[models.Model],
    kind: _Kind,
    desired: dict[str, dict[str, Any]],
    existing: Mapping[str, Any],
    report: LoadReport,
    *,
    later: Callable[[dict[str, Any]], dict[str, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Creates and updates one kind; `later` adds fields that need the new objects' keys."""
    new = _insert(model, desired, existing, dry_run=report.dry_run)
    objects = {**existing, **new}
    if later is not None:
        for key, fields in later(objects).items():
            desired[key].update(fields)
    report.counts[kind.name].created += len(new)
    _update(model, desired, objects, report.counts[kind.name], created=new, dry_run=report.dry_run)
    return objects


def _apply(
    found: Entities,
    existing: _Existing,
    columns: set[str],
    passwords: dict[str, tuple[str, str]],
    report: LoadReport,
) -> None:
    partner_fields = {
        key: _fields(PARTNERS, e, columns, resolve={"manager_email": existing.managers.get})
        for key, e in found["partners"].items()
    }
    partners = _upsert(Partner, PARTNERS, partner_fields, existing.partners, report)

    def parents(objects: dict[str, Any]) -> dict[str, dict[str, Any]]:
        if PARENT not in columns:
            return {}
        return {
            key: {"parent_id": objects[e.values[PARENT]].pk if e.values.get(PARENT) else None}
            for key, e in found["counterparties"].items()
        }

    counterparty_fields = {
        key: {
            "partner_id": partners[e.owner].pk,
            **_fields(COUNTERPARTIES, e, columns, skip=(PARENT,)),
        }
        for key, e in found["counterparties"].items()
    }
    counterparties = _upsert(
        Counterparty,
        COUNTERPARTIES,
        counterparty_fields,
        existing.counterparties,
        report,
        later=parents,
    )
    resolve = {"price_type": existing.price_types.get}
    for model, kind, current in (
        (Agreement, AGREEMENTS, existing.agreements),
        (DeliveryAddress, ADDRESSES, existing.addresses),
    ):
        desired = {
            key: {
                "counterparty_id": counterparties[e.owner].pk,
                **_fields(kind, e, columns, resolve=resolve),
            }
            for key, e in found[kind.name].items()
        }
        _upsert(model, kind, desired, current, report)
    _administrators_apply(found["administrators"], existing.users, partners, passwords, report)


def _administrators_apply(
    admins: dict[str, _Entity],
    users: dict[str, User],
    partners: dict[str, Partner],
    passwords: dict[str, tuple[str, str]],
    report: LoadReport,
) -> None:
    """New administrators get every section and a temporary password; others keep theirs."""
    count = report.counts["administrators"]
    changed_by_fields: dict[tuple[str, ...], list[User]] = defaultdict(list)
    for key, entity in admins.items():
        fields = _fields(ADMINISTRATORS, entity, set(entity.values))
        user = users.get(key)
        if user is None:
            password, hashed = passwords.get(key, ("", ""))
            user = User(
                partner=partners[entity.owner],
                sections=list(ALL_SECTIONS),
                password=hashed,
                must_change_password=True,
                **fields,
            )
            report.new_administrators.append(
                NewAdministrator(partners[entity.owner], user, password)
            )
            continue
        changed = tuple(name for name, value in fields.items() if getattr(user, name) != value)
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            changed_by_fields[changed].append(user)
            count.updated += 1
        else:
            count.unchanged += 1
    count.created = len(report.new_administrators)
    if report.dry_run:
        report.new_administrators = []
        return
    User.objects.bulk_create([admin.user for admin in report.new_administrators], batch_size=BATCH)
    for names, changed_users in changed_by_fields.items():
        User.objects.bulk_update(changed_users, names, batch_size=BATCH)


# ── The service ─────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def partners_load(
    *,
    rows: Sequence[Row],
    file_errors: Sequence[LoadError] = (),
    dry_run: bool = False,
    send_invitations: bool = False,
) -> LoadReport:
    """Checks the whole file, then creates and updates everything it names, or nothing at all.

    `file_errors` are the parser's (unknown columns…), reported with the rest. A dry run
    counts what would be created and updated without writing. With `send_invitations`, new
    administrators with an e-mail get their login and password by mail once committed.
    """
    report = LoadReport(dry_run=dry_run)
    columns = {column for row in rows for column in row.cells}
    errors = [*file_errors, *(_columns_check(columns) if rows else [])]
    found = _entities_collect(rows, columns, errors)
    _administrator_phones_check(found, errors)
    existing = _existing_fetch(found, columns, errors)
    if errors:
        report.errors = sorted(errors, key=lambda error: error.row or 0)
        return report
    # Hashed before the first write: the database stays unlocked for that second or two.
    passwords = {}
    if not dry_run:
        for key in found["administrators"].keys() - existing.users.keys():
            password = password_temporary_generate()
            passwords[key] = (password, password_temporary_hash(password))
    _apply(found, existing, columns, passwords, report)
    if send_invitations:
        for admin in report.new_administrators:
            if admin.user.email:
                transaction.on_commit(partial(_invitation_deliver, admin=admin, report=report))
    return report


def _invitation_deliver(*, admin: NewAdministrator, report: LoadReport) -> None:
    """One undeliverable address must not stop the other invitations."""
    try:
        invitation_send(user=admin.user, password=admin.password)
    except OSError:
        logger.exception("Invitation to %s failed", admin.user.email)
        report.invitations_failed.append(admin)


# ── Passwords file ──────────────────────────────────────────────────────────────────────────


def passwords_file_open(path: Path) -> TextIO:
    """Creates the file for the new administrators' passwords, readable by its owner only.

    Opened before loading, so that a bad path fails before any account exists; never
    overwrites a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return open(descriptor, "w", encoding="utf-8-sig", newline="")


def passwords_write(handle: TextIO, admins: Sequence[NewAdministrator]) -> int:
    """CSV with `;` and a BOM, as Excel opens it in a Russian locale."""
    writer = csv.writer(handle, delimiter=";")
    writer.writerow(["partner_ext_id", "partner_name", "full_name", "email", "phone", "password"])
    for admin in admins:
        user = admin.user
        writer.writerow(
            [
                admin.partner.ext_id,
                admin.partner.name,
                user.full_name,
                user.email or "",
                user.phone or "",
                admin.password,
            ]
        )
    return len(admins)
