"""Multi-row INSERT … ON CONFLICT for the importers, without a model instance per row.

Django's bulk_create builds a model instance per row and prepares every value through its
field; at two million rows per full 1C package that costs more than the database work (P4).
These statements are written directly. On PostgreSQL the rows are COPYed into a temporary
table (psycopg formats COPY rows in C) and moved with one INSERT … SELECT … ON CONFLICT; on
SQLite they go as a multi-row VALUES list. A conflicting row is updated only when one of its
values really changed, so an unchanged package writes nothing, and RETURNING yields just the
rows created or changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

# Values of these field types go through the field (JSON, datetime adaptation); the plain
# str, int, bool, Decimal and None the importers write are passed as they are.
PREPARED_TYPES = {"JSONField", "DateTimeField", "DateField"}
POSTGRES_ROWS = 10_000
SQLITE_PARAMS = 999


def rows_upsert(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    unique: Sequence[str],
    update: Sequence[str] = (),
    touch: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert `rows` (values of `fields`, attnames, in that order) or, on a `unique`
    conflict, set the `update` fields when any of them differs (and then the `touch` fields
    too, e.g. updated_at); no `update`: leave the existing row alone.

    Model fields not listed get their default (auto_now fields: now). Returns the `returning`
    values of the rows inserted or changed.
    """
    rows = list(rows)
    if not rows:
        return []
    fields = tuple(fields)
    statement = _statement(
        connection.vendor,
        model,
        fields,
        tuple(unique),
        tuple(update),
        tuple(touch),
        tuple(returning),
    )
    prepare = _preparers(model, fields)
    if prepare is not None:
        rows = [prepare(row) for row in rows]
    constants = _defaults(model, fields)
    with transaction.atomic():  # the temporary table lives until the commit
        if connection.vendor == "postgresql":
            return _copy_upsert(statement, rows, constants, bool(returning))
        return _values_upsert(statement, rows, constants, bool(returning))


def ids_by_ext_id(model: type[Model], ext_ids: Iterable[str]) -> dict[str, int]:
    """{ext_id: pk} of the rows with these 1C ids (one query, whatever their number)."""
    ext_ids = list(ext_ids)
    if not ext_ids:
        return {}
    if connection.vendor != "postgresql":
        return dict(model.objects.filter(ext_id__in=ext_ids).values_list("ext_id", "pk"))
    table = connection.ops.quote_name(model._meta.db_table)
    with server_cursor() as cursor:
        cursor.execute(f"SELECT ext_id, id FROM {table} WHERE ext_id = ANY(%b)", [ext_ids])
        return dict(cursor.fetchall())


def server_cursor():
    """A plain psycopg cursor on Django's connection (same transaction). Django gives its
    connection a ClientCursor factory; this one binds parameters on the server, in binary."""
    import psycopg  # only with PostgreSQL

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _copy_upsert(statement: _Statement, rows: list, constants: list, returning: bool):
    found: list[tuple] = []
    with server_cursor() as cursor:
        cursor.execute(statement.prepare)
        for start in range(0, len(rows), POSTGRES_ROWS):
            cursor.execute(statement.clear)
            with cursor.copy(statement.copy) as copy:
                for row in rows[start : start + POSTGRES_ROWS]:
                    copy.write_row(row)
            cursor.execute(statement.insert, constants)
            if returning:
                found.extend(cursor.fetchall())
    return found


def _values_upsert(statement: _Statement, rows: list, constants: list, returning: bool):
    found: list[tuple] = []
    size = max(1, SQLITE_PARAMS // (statement.width + len(constants)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list = []
            for row in chunk:
                params.extend(row)
                params.extend(constants)
            values = ", ".join([statement.row] * len(chunk))
            cursor.execute(statement.insert.replace("%(values)s", values), params)
            if returning:
                found.extend(cursor.fetchall())
    return found


class _Statement:
    __slots__ = ("clear", "copy", "insert", "prepare", "row", "width")

    def __init__(self, **parts) -> None:
        self.prepare = self.clear = self.copy = self.row = ""
        for name, value in parts.items():
            setattr(self, name, value)


@cache
def _statement(vendor, model, fields, unique, update, touch, returning) -> _Statement:
    quote = connection.ops.quote_name
    meta = model._meta
    column = {f.attname: quote(f.column) for f in meta.concrete_fields}
    table = quote(meta.db_table)
    defaults = [name for name, _value in _default_fields(model, fields)]
    given = ", ".join(column[f] for f in fields)
    if update:
        distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        sets = ", ".join(f"{column[f]} = excluded.{column[f]}" for f in (*update, *touch))
        changed = " OR ".join(
            f"{table}.{column[f]} {distinct} excluded.{column[f]}" for f in update
        )
        action = f"DO UPDATE SET {sets} WHERE {changed}"
    else:
        action = "DO NOTHING"
    tail = f" ON CONFLICT ({', '.join(column[f] for f in unique)}) {action}"
    if returning:
        tail += f" RETURNING {', '.join(column[f] for f in returning)}"
    head = f"INSERT INTO {table} ({', '.join(column[f] for f in (*fields, *defaults))}) "
    if vendor != "postgresql":
        return _Statement(
            insert=head + "VALUES %(values)s" + tail,
            row="(" + ", ".join(["%s"] * (len(fields) + len(defaults))) + ")",
            width=len(fields),
        )
    digest = hashlib.sha1(f"{meta.db_table} {fields}".encode()).hexdigest()[:12]
    temp = quote(f"kabinet_upsert_{digest}")
    constants = "".join(f", %s::{meta.get_field(name).db_type(connection)}" for name in defaults)
    return _Statement(
        prepare=f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "
        f"SELECT {given} FROM {table} WITH NO DATA",
        clear=f"TRUNCATE {temp}",
        copy=f"COPY {temp} ({given}) FROM STDIN",
        insert=f"{head}SELECT {given}{constants} FROM {temp}{tail}",
        width=len(fields),
    )


def _default_fields(model, fields) -> list[tuple[str, object]]:
    """(attname, value) of the concrete fields a row does not give, primary key aside."""
    now = timezone.now()
    found = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in fields:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        found.append((field.attname, value))
    return found


def _defaults(model, fields) -> list:
    meta = model._meta
    return [
        meta.get_field(name).get_db_prep_save(value, connection)
        if meta.get_field(name).get_internal_type() in PREPARED_TYPES
        else value
        for name, value in _default_fields(model, fields)
    ]


def _preparers(model, fields):
    """A function preparing the values of the few columns that need it; None when none do."""
    meta = model._meta
    special = [
        (index, meta.get_field(name))
        for index, name in enumerate(fields)
        if meta.get_field(name).get_internal_type() in PREPARED_TYPES
    ]
    if not special:
        return None

    def prepare(row: Sequence) -> list:
        values = list(row)
        for index, field in special:
            values[index] = field.get_db_prep_save(values[index], connection)
        return values

    return prepare
