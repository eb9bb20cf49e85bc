"""Rows → entities: what the file says about each partner, counterparty, agreement, address
and administrator, checked within the file (missing columns, conflicting rows).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kabinet.accounts.partner_loading.cleaners import CLEANERS, _Invalid
from kabinet.accounts.partner_loading.parser import Row
from kabinet.accounts.partner_loading.report import LoadError


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
