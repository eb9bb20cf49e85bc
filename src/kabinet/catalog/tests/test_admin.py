import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.catalog.models import Product, Variant
from kabinet.catalog.services import product_search_text_refresh
from kabinet.catalog.tests.factories import (
    AssortmentRuleFactory,
    BrandFactory,
    ProductDocumentFactory,
    ProductPropertyFactory,
    catalog_make,
)
from kabinet.catalog.tests.helpers import head_agreement

CATALOG_ADMIN = [
    "catalog.section",
    "catalog.brand",
    "catalog.property",
    "catalog.product",
    "catalog.variant",
    "pricing.pricetype",
    "pricing.price",
    "pricing.partnerprice",
    "pricing.warehouse",
    "pricing.stock",
    "pricing.assortmentrule",
]


@pytest.fixture
def superuser_client(db):
    return client_for(StaffUserFactory(is_superuser=True, email="root@supplier.example"))


def _inline_management(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_every_catalog_and_pricing_model_is_in_the_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(CATALOG_ADMIN) <= registered


@pytest.mark.parametrize("label", CATALOG_ADMIN)
def test_admin_lists_and_forms_open(partner, superuser_client, label):
    data = catalog_make(partner, products=2, partner_prices=True)
    AssortmentRuleFactory(agreement=head_agreement(partner), product=data.products[0])
    ProductDocumentFactory(product=data.products[0])
    ProductPropertyFactory(product=data.products[0], property__name="Material", value="latex")
    Product.objects.filter(pk=data.products[0].pk).update(brand=BrandFactory())
    app_label, model_name = label.split(".")
    model = apps.get_model(app_label, model_name)

    changelist = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    change = superuser_client.get(
        reverse(f"admin:{app_label}_{model_name}_change", args=[model.objects.first().pk])
    )

    assert changelist.status_code == 200
    assert change.status_code == 200


def test_saving_a_product_in_the_admin_rewrites_its_search_columns(
    partner, superuser_client, django_capture_on_commit_callbacks
):
    product = catalog_make(partner, products=1).products[0]
    data = {
        "name": "Маска ЁЛОЧНАЯ",
        "section": product.section_id,
        "brand": "",
        "article": "MSK-1",
        "erp_code": "777",
        "ext_id": product.ext_id,
        "description": "",
        "unit": "шт",
        "vat_rate": "10",
        "order_multiple": "1",
        "min_quantity": "1",
        "weight_kg": "",
        "volume_m3": "",
        "is_active": "on",
        **_inline_management("variants"),
        **_inline_management("properties"),
        **_inline_management("images"),
        **_inline_management("documents"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:catalog_product_change", args=[product.pk]), data
        )

    assert response.status_code == 302
    product.refresh_from_db()
    barcode = product.variants.get().barcodes.get().code
    # look-alike Cyrillic letters are kept as Latin ones (м, а, с, к, е, о, н): see catalog.search
    assert product.search_text == f"macka eлoчhaя msk-1 777 {product.ext_id} {barcode}"
    assert (product.article_key, product.erp_code_key) == ("msk-1", "777")


def test_adding_a_barcode_to_a_variant_makes_the_product_findable_by_it(
    partner, superuser_client, django_capture_on_commit_callbacks
):
    variant = catalog_make(partner, products=1).variants[0]
    existing = variant.barcodes.get()
    data = {
        "product": variant.product_id,
        "name": "",
        "color": "",
        "size": "",
        "characteristics": "{}",
        "sort": "0",
        "is_active": "on",
        "ext_id": variant.ext_id,
        **_inline_management("barcodes", total=2),
        "barcodes-INITIAL_FORMS": "1",
        "barcodes-0-id": str(existing.pk),
        "barcodes-0-variant": str(variant.pk),
        "barcodes-0-code": existing.code,
        "barcodes-1-variant": str(variant.pk),
        "barcodes-1-code": "2990000012345",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:catalog_variant_change", args=[variant.pk]), data
        )

    assert response.status_code == 302
    assert "2990000012345" in Product.objects.get(pk=variant.product_id).search_text


def test_admin_search_finds_a_cyrillic_name_in_any_case(partner, superuser_client):
    data = catalog_make(partner, products=2)
    Product.objects.filter(pk=data.products[0].pk).update(name="Бинт ЭЛАСТИЧНЫЙ")
    product_search_text_refresh([data.products[0].pk])

    response = superuser_client.get(
        reverse("admin:catalog_product_changelist"), {"q": "эластичный"}
    )

    assert list(response.context["cl"].result_list) == [Product.objects.get(pk=data.products[0].pk)]
    variants = superuser_client.get(reverse("admin:catalog_variant_changelist"), {"q": "бинт"})
    assert list(variants.context["cl"].result_list) == list(
        Variant.objects.filter(product=data.products[0])
    )
