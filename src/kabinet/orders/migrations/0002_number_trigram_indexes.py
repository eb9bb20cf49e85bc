"""Trigram indexes for the order search by number, on PostgreSQL only (P5).

The order list finds an order by a part of its number or of its number in 1C with
`icontains`, which PostgreSQL runs as `UPPER(col::text) LIKE UPPER('%…%')`. Without an index
that reads every order of the partner (36 ms for a partner with 10,000 orders in the 100,000
order benchmark); GIN trigram indexes on exactly those expressions make it 0.3 ms. SQLite
scans, which is fine at its scale, so the indexes are not declared on the model.
"""

from django.db import migrations

INDEXES = {
    "orders_order_number_trgm": "number",
    "orders_order_erp_number_trgm": "erp_number",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON orders_order "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
