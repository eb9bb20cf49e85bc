"""A trigram index for the catalog search, on PostgreSQL only.

The search filters `search_text LIKE '%word%'` once per word (identical on SQLite and
PostgreSQL); on PostgreSQL a GIN trigram index serves such LIKEs. SQLite scans, which is fine
at its scale. The index is not declared on the model so that SQLite needs nothing.
"""

from django.db import migrations

INDEX = "catalog_product_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_product "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
