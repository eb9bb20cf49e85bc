import pytest
from django.db import connection

from kabinet.catalog.models import Product
from kabinet.catalog.services import product_search_text_refresh, search_normalize, search_tokens
from kabinet.catalog.tests.factories import BarcodeFactory, VariantFactory, catalog_make
from kabinet.catalog.tests.helpers import names


@pytest.fixture
def shelf(partner):
    """Three products of the partner's assortment with Russian names and known codes."""
    data = catalog_make(partner, products=3)
    specs = [
        ("Перчатки нитриловые «Ёлка»", "NT-100", "000000101", "4600000000017"),
        ("ПЕРЧАТКИ латексные смотровые", "LT-200", "000000202", "4600000000024"),
        ("Шприц 5 мл с иглой LT-200", "SH-5", "000000303", "4600000000031"),
    ]
    for product, (name, article, erp_code, barcode) in zip(data.products, specs, strict=True):
        Product.objects.filter(pk=product.pk).update(name=name, article=article, erp_code=erp_code)
        product.variants.first().barcodes.update(code=barcode)
    product_search_text_refresh([p.pk for p in data.products])
    return data


def test_search_text_holds_lower_cased_name_codes_and_every_barcode(partner):
    product = catalog_make(partner, products=1).products[0]
    Product.objects.filter(pk=product.pk).update(
        name="Бахилы ЁМКИЕ", article="BH-01", erp_code="00-0042", ext_id="A1B2-C3"
    )
    BarcodeFactory(variant=VariantFactory(product=product), code="4601234567890")
    product.variants.first().barcodes.update(code="4609876543210")

    written = product_search_text_refresh([product.pk])

    product.refresh_from_db()
    assert written == 1
    assert product.search_text == "бахилы емкие bh-01 00-0042 a1b2-c3 4601234567890 4609876543210"


def test_refresh_writes_only_what_changed(partner):
    data = catalog_make(partner, products=2)
    Product.objects.filter(pk=data.products[0].pk).update(name="Новое имя")

    assert product_search_text_refresh([p.pk for p in data.products]) == 1


def test_query_is_normalised_like_the_search_text():
    assert search_normalize("  ЁЖИК\tЁлка ") == "ежик елка"
    assert search_tokens("Шприц  шприц 5 МЛ") == ["шприц", "5", "мл"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("перчатки", ["ПЕРЧАТКИ латексные смотровые", "Перчатки нитриловые «Ёлка»"]),
        ("ПЕРЧАТКИ", ["ПЕРЧАТКИ латексные смотровые", "Перчатки нитриловые «Ёлка»"]),
        ("елка", ["Перчатки нитриловые «Ёлка»"]),
        ("ЁЛКА", ["Перчатки нитриловые «Ёлка»"]),
        ("перчатки нитрил", ["Перчатки нитриловые «Ёлка»"]),
        ("нитрил шприц", []),
        ("nt-100", ["Перчатки нитриловые «Ёлка»"]),
        ("SH-", ["Шприц 5 мл с иглой LT-200"]),
        ("4600000000024", ["ПЕРЧАТКИ латексные смотровые"]),
        ("000000303", ["Шприц 5 мл с иглой LT-200"]),
    ],
)
def test_search_finds_by_name_article_barcode_and_1c_code(shelf, partner_admin, query, expected):
    assert names(partner_admin, query=query) == expected


def test_an_exact_article_comes_before_other_matches(shelf, partner_admin):
    # "Шприц … LT-200" sorts first by name, but LT-200 is the article of the gloves.
    assert names(partner_admin, query="lt-200") == [
        "ПЕРЧАТКИ латексные смотровые",
        "Шприц 5 мл с иглой LT-200",
    ]


def test_an_exact_barcode_or_1c_code_comes_first(shelf, partner_admin):
    shelf.products[0].variants.first().barcodes.update(code="000000202")
    product_search_text_refresh([shelf.products[0].pk])

    # 000000202 is the 1C code of the latex gloves and a barcode of the nitrile ones: both
    # are exact matches, so both come first, by name.
    assert names(partner_admin, query="000000202") == [
        "ПЕРЧАТКИ латексные смотровые",
        "Перчатки нитриловые «Ёлка»",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL only")
def test_postgresql_serves_the_search_with_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_product_search_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin (search_text gin_trgm_ops)" in definition
