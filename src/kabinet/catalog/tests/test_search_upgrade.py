"""Upgrading a catalog stored before the look-alike fold (issue 8, item 22): the data
migrations rewrite the stored search columns and partner codes of existing rows."""

from importlib import import_module

from django.apps import apps
from django.core.cache import cache

from kabinet.accounts.scope import scope_for
from kabinet.catalog.models import Product
from kabinet.catalog.selectors import catalog_page
from kabinet.catalog.tests.factories import VariantFactory, catalog_make
from kabinet.catalog.tests.helpers import head_agreement
from kabinet.imports.models import PartnerProductCode

catalog_upgrade = import_module("kabinet.catalog.migrations.0003_product_code_keys_folded_search")
codes_upgrade = import_module("kabinet.imports.migrations.0002_partner_code_keys_folded")


def test_the_migration_rewrites_the_search_columns_of_stored_products(partner, partner_admin):
    product = catalog_make(partner, products=1).products[0]
    VariantFactory(product=product, name="5 мл", characteristics={"Объём": "5 мл"})
    # as a product was stored before the upgrade: unfolded text, no keys, no variant values
    Product.objects.filter(pk=product.pk).update(
        name="Шприц Хирувит",
        article="СА-00001",
        erp_code="ЦБ-00042",
        search_text="шприц хирувит са-00001 цб-00042",
        article_key="",
        erp_code_key="",
    )
    agreement = head_agreement(partner)

    def found(query):
        """Products found as typed (not as a typo of something else)."""
        page = catalog_page(scope=scope_for(partner_admin), agreement=agreement, query=query)
        return [] if page.similar else [p.pk for p in page.products]

    assert found("CA-00001") == []
    catalog_upgrade.search_columns_rewrite(apps, None)
    cache.clear()  # the totals of searches are cached for two minutes

    product.refresh_from_db()
    barcode = product.variants.first().barcodes.get().code
    assert product.search_text == (
        f"шпpиц xиpybиt ca-00001 цб-00042 {product.ext_id} {barcode} 5 mл"
    )
    assert (product.article_key, product.erp_code_key) == ("ca-00001", "цб-00042")
    assert found("CA-00001") == found("шприц 5 мл") == [product.pk]


def test_the_migration_folds_partner_codes_and_keeps_both_of_two_that_now_collide(partner):
    first, second, third = catalog_make(partner, products=3).products
    # as stored before the upgrade: keys in lower case only (bulk_create skips `save()`)
    latin, cyrillic, alone = PartnerProductCode.objects.bulk_create(
        [
            PartnerProductCode(partner=partner, product=first, code="CAM-1", code_key="cam-1"),
            PartnerProductCode(partner=partner, product=second, code="САМ-1", code_key="сам-1"),
            PartnerProductCode(partner=partner, product=third, code="ОКО 7", code_key="око 7"),
        ]
    )

    codes_upgrade.code_keys_rewrite(apps, None)

    keys = dict(PartnerProductCode.objects.values_list("pk", "code_key"))
    # the Latin one already had the folded key; the Cyrillic one keeps its old key
    assert keys == {latin.pk: "cam-1", cyrillic.pk: "сам-1", alone.pk: "oko 7"}
