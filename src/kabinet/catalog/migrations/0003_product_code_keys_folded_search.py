"""The article and 1C code as compared whole (`article_key`, `erp_code_key`), and every
product's search columns rewritten with the look-alike fold of `catalog.search` and the
characteristic values of its variants.

Products stored before this migration have a search text without the fold (`СА-00001` stays
Cyrillic) and no keys; they are rewritten here in batches, so an upgraded catalog finds
`CA-00001` typed in Latin at once. The text is built by `catalog.search.product_search_text`,
the function every writer uses, so a later change of the fold can re-run the same rewrite.
"""

from django.db import migrations, models

BATCH = 2000


def search_columns_rewrite(apps, schema_editor):
    from kabinet.catalog.search import product_search_text, search_normalize

    Product = apps.get_model("catalog", "Product")
    Barcode = apps.get_model("catalog", "Barcode")
    Variant = apps.get_model("catalog", "Variant")
    fields = ["search_text", "article_key", "erp_code_key"]
    last = 0
    while True:
        products = list(
            Product.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "name", "article", "erp_code", "ext_id", *fields)[:BATCH]
        )
        if not products:
            return
        last = products[-1].pk
        barcodes: dict[int, list[str]] = {}
        for product_id, code in Barcode.objects.filter(
            variant__product_id__in=[p.pk for p in products]
        ).values_list("variant__product_id", "code"):
            barcodes.setdefault(product_id, []).append(code)
        characteristics: dict[int, list[dict]] = {}
        for product_id, values in Variant.objects.filter(
            product_id__in=[p.pk for p in products]
        ).values_list("product_id", "characteristics"):
            characteristics.setdefault(product_id, []).append(values)
        changed = []
        for product in products:
            values = (
                product_search_text(
                    name=product.name,
                    article=product.article,
                    erp_code=product.erp_code,
                    ext_id=product.ext_id,
                    barcodes=barcodes.get(product.pk, ()),
                    characteristics=characteristics.get(product.pk, ()),
                ),
                search_normalize(product.article),
                search_normalize(product.erp_code),
            )
            if values != tuple(getattr(product, field) for field in fields):
                product.search_text, product.article_key, product.erp_code_key = values
                changed.append(product)
        Product.objects.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_trigram_index")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="article_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="product",
            name="erp_code_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=50),
        ),
        migrations.RunPython(search_columns_rewrite, migrations.RunPython.noop, elidable=False),
    ]
