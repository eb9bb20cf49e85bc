from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.catalog.matrix import variant_matrix
from kabinet.catalog.models import Variant
from kabinet.catalog.selectors import product_detail
from kabinet.catalog.stock import stock_level
from kabinet.catalog.tests.factories import (
    AssortmentRuleFactory,
    PriceFactory,
    ProductDocumentFactory,
    ProductImageFactory,
    ProductPropertyFactory,
    SectionFactory,
    StockFactory,
    VariantFactory,
    WarehouseFactory,
    catalog_make,
)
from kabinet.catalog.tests.helpers import head_agreement


def _card_url(product) -> str:
    return reverse("catalog:product", args=[product.pk])


def _dress(product, data, cells):
    """Give `product` variants for (colour, size) cells, priced and in stock like `data`'s."""
    product.variants.all().delete()
    for sort, (colour, size) in enumerate(cells):
        variant = VariantFactory(product=product, color=colour, size=size, name=size, sort=sort)
        StockFactory(variant=variant, warehouse=data.warehouse)
        for price_type in data.price_types:
            PriceFactory(variant=variant, price_type=price_type, amount=Decimal("10.00") + sort)


def test_the_matrix_has_colours_as_rows_and_sizes_as_columns(partner, partner_admin):
    data = catalog_make(partner, products=1)
    product = data.products[0]
    cells = [("White", "S"), ("White", "M"), ("White", "L"), ("Blue", "M"), ("Blue", "XL")]
    _dress(product, data, cells)

    card = product_detail(
        scope=scope_for(partner_admin), agreement=head_agreement(partner), product_id=product.pk
    )

    matrix = card.matrix
    assert matrix.shape == (2, 4)
    assert matrix.colours == ["White", "Blue"]
    assert matrix.columns == ["S", "M", "L", "XL"]
    grid = [[(c.color, c.size, c.price.amount) if c else None for c in row.cells]
            for row in matrix.rows]  # fmt: skip
    assert grid == [
        [("White", "S", Decimal("10.00")), ("White", "M", Decimal("11.00")),
         ("White", "L", Decimal("12.00")), None],
        [None, ("Blue", "M", Decimal("13.00")), None, ("Blue", "XL", Decimal("14.00"))],
    ]  # fmt: skip
    assert matrix.only("Blue").shape == (1, 4)
    assert matrix.only("Green").shape == (2, 4)


def test_a_product_without_characteristics_is_a_one_cell_matrix():
    variant = Variant(pk=1, name="", color="", size="")
    assert variant_matrix([variant]).shape == (1, 1)


def test_two_variants_in_one_cell_both_get_a_column():
    first = Variant(pk=1, name="Sterile", color="", size="M")
    second = Variant(pk=2, name="Non-sterile", color="", size="M")
    assert variant_matrix([first, second]).columns == ["M", "M · Non-sterile"]


def test_the_card_shows_images_properties_documents_and_the_matrix_form(partner, partner_client):
    data = catalog_make(partner, products=1, variants_per_product=2, partner_prices=True)
    product = data.products[0]
    ProductImageFactory(product=product)
    ProductPropertyFactory(product=product, property__name="Sterility", value="sterile")
    document = ProductDocumentFactory(product=product, title="РУ № ФСЗ 2010/07890")

    response = partner_client.get(_card_url(product))

    assert response.status_code == 200
    body = response.content.decode()
    sterility = '<dt class="col-5 col-sm-4">Sterility</dt><dd class="col-7 col-sm-8">sterile</dd>'
    assert sterility in body
    assert reverse("catalog:document", args=[document.pk]) in body
    assert "РУ № ФСЗ 2010/07890" in body
    assert "/catalog/images/" in body
    assert "/media/" not in body
    assert f'hx-post="{reverse("cart:lines-add")}"' in body
    assert body.count("data-matrix-qty") == 2
    for variant in data.variants:
        assert f'name="variant" value="{variant.pk}"' in body
    # the fixed partner price of the first size, with the agreement's price struck through
    assert "77,00&nbsp;₽</span> <s" in body
    assert "100,00&nbsp;₽</s>" in body


def test_stock_is_shown_per_warehouse_or_as_levels(partner, partner_client, settings):
    data = catalog_make(partner, products=1, stock="3")
    StockFactory(variant=data.variants[0], warehouse=WarehouseFactory(name="North"), quantity=40)
    url = _card_url(data.products[0])

    exact = partner_client.get(url).content.decode()
    settings.KABINET_STOCK_DISPLAY = "levels"
    levels = partner_client.get(url).content.decode()

    assert 'data-testid="stock-by-warehouse"' in exact
    assert '<th scope="col" class="text-end">North</th>' in exact
    assert '<td class="text-end"><span class="catalog-stock-label">North: </span>40</td>' in exact
    assert "43&nbsp;шт" in exact
    assert 'data-testid="stock-by-warehouse"' not in levels
    assert "North" not in levels
    assert "43&nbsp;" not in levels
    assert "text-bg-success" in levels


def test_a_product_outside_the_assortment_is_404_on_any_method(partner, partner_client):
    shown = SectionFactory()
    hidden = catalog_make(partner, products=1).products[0]
    catalog_make(partner, products=1, section=shown)
    AssortmentRuleFactory(agreement=head_agreement(partner), section=shown)

    assert partner_client.get(_card_url(hidden)).status_code == 404
    assert partner_client.post(_card_url(hidden)).status_code == 404


def test_another_partners_assortment_is_404(partner, other_admin):
    product = catalog_make(partner, products=1).products[0]
    client = client_for(other_admin)
    assert client.get(_card_url(product)).status_code == 404
    with pytest.raises(Http404):
        product_detail(
            scope=scope_for(other_admin),
            agreement=head_agreement(other_admin.partner),
            product_id=product.pk,
        )


def test_a_visible_card_refuses_other_methods(partner, partner_client):
    product = catalog_make(partner, products=1).products[0]
    assert partner_client.post(_card_url(product)).status_code == 405


def test_a_document_downloads_only_while_its_product_is_visible(
    partner, partner_client, other_admin
):
    data = catalog_make(partner, products=1)
    document = ProductDocumentFactory(product=data.products[0], title="Инструкция")
    url = reverse("catalog:document", args=[document.pk])

    response = partner_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 certificate"
    assert "attachment" in response["Content-Disposition"]

    assert client_for(other_admin).get(url).status_code == 404
    AssortmentRuleFactory(agreement=head_agreement(partner), section=SectionFactory())
    assert partner_client.get(url).status_code == 404
    assert partner_client.post(url).status_code == 404


def test_a_document_without_a_file_is_404(partner, partner_client):
    product = catalog_make(partner, products=1).products[0]
    document = ProductDocumentFactory(product=product, file="")
    assert partner_client.get(reverse("catalog:document", args=[document.pk])).status_code == 404


def test_the_card_costs_the_same_queries_for_2_and_30_variants(partner, partner_client):
    data = catalog_make(partner, products=2, variants_per_product=2)
    small, large = data.products
    colours = ["White", "Blue", "Green", "Black", "Red"]
    sizes = ["XS", "S", "M", "L", "XL", "XXL"]
    _dress(large, data, [(c, s) for c in colours for s in sizes])
    for product in (small, large):
        ProductImageFactory(product=product)
        ProductDocumentFactory(product=product)
        ProductPropertyFactory(product=product)

    counts = []
    for product in (small, large):
        partner_client.get(_card_url(product))
        with CaptureQueriesContext(connection) as captured:
            assert partner_client.get(_card_url(product)).status_code == 200
        counts.append(len(captured.captured_queries))

    assert large.variants.count() == 30
    assert counts[0] == counts[1]


def test_availability_levels_follow_the_threshold_in_settings(settings):
    settings.KABINET_STOCK_FEW = 5
    assert [stock_level(Decimal(q)) for q in ("-1", "0", "4.999", "5", "500")] == [
        "none", "none", "few", "many", "many"
    ]  # fmt: skip
