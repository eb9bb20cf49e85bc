"""Writing generated rows fast: ids chosen up front, one bulk insert per table and batch.

Generators give each table as (model, field attnames, rows); the demo writes them with
`bulk_create` here, bench/generate_l.py with PostgreSQL COPY. Rows that others point at carry
ids taken after the table's current maximum, so no insert has to be read back.
"""

from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

Table = tuple[type[Model], list[str], Iterable[tuple]]
BATCH = 2000


def last_id(model: type[Model]) -> int:
    return model.objects.aggregate(last=Max("pk"))["last"] or 0


def tables_insert(tables: Iterable[Table]) -> dict[type[Model], int]:
    """Insert each table's rows; returns how many rows went into each model."""
    counts: dict[type[Model], int] = {}
    for model, fields, rows in tables:
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        counts[model] = counts.get(model, 0) + len(objs)
    return counts


def sequences_reset(models: Iterable[type[Model]]) -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
