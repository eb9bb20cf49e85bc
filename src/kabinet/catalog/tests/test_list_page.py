from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Agreement
from kabinet.catalog.models import Product
from kabinet.catalog.services import product_search_text_refresh
from kabinet.catalog.tests.factories import (
    AssortmentRuleFactory,
    ProductPropertyFactory,
    catalog_make,
)
from kabinet.catalog.tests.helpers import head_agreement
from kabinet.catalog.views import VIEW_SESSION_KEY

LIST = "/catalog/"


def _queries(client, url, **headers) -> int:
    client.get(url, **headers)  # warm the caches (section tree, facets) as any visitor does
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_list_shows_the_partners_products_with_prices_and_stock(partner, partner_client):
    data = catalog_make(partner, products=2, price="1234.50", stock="7")

    response = partner_client.get(reverse("catalog:list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert data.products[0].name in body
    assert "1\xa0234,50&nbsp;₽" in body  # Russian number format and the currency
    assert "7&nbsp;шт" in body
    assert 'data-testid="price-list"' in body


def test_the_view_mode_is_remembered_in_the_session(partner, partner_client):
    catalog_make(partner, products=1)

    assert 'data-testid="product-tiles"' in partner_client.get(LIST).content.decode()
    assert 'data-testid="product-list"' in partner_client.get(LIST + "?view=list").content.decode()
    assert 'data-testid="product-list"' in partner_client.get(LIST).content.decode()
    assert partner_client.session[VIEW_SESSION_KEY] == "list"


def test_a_single_variant_row_posts_its_quantity_to_the_cart(partner, partner_client):
    data = catalog_make(partner, products=1)
    add_url = reverse("cart:line-add")

    body = partner_client.get(LIST + "?view=list").content.decode()

    assert f'hx-post="{add_url}"' in body
    assert f'name="variant" value="{data.variants[0].pk}"' in body
    assert 'name="quantity"' in body
    assert "data-quick-qty" in body


def test_a_multi_variant_row_links_to_the_card_instead(partner, partner_client):
    data = catalog_make(partner, products=1, variants_per_product=3)

    body = partner_client.get(LIST + "?view=list").content.decode()

    assert "data-quick-qty" not in body
    assert f'href="{reverse("catalog:product", args=[data.products[0].pk])}"' in body


def test_an_htmx_request_for_the_results_gets_only_the_results(partner, partner_client):
    data = catalog_make(partner, products=2)
    Product.objects.filter(pk=data.products[0].pk).update(name="Gauze")
    Product.objects.filter(pk=data.products[1].pk).update(name="Bandage")
    product_search_text_refresh([p.pk for p in data.products])

    response = partner_client.get(
        LIST, {"q": "bandage"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )

    body = response.content.decode()
    assert "<html" not in body
    assert 'id="catalog-filters"' not in body
    assert "Bandage" in body
    assert "Gauze" not in body
    assert "HX-Request" in response["Vary"]


def test_filters_come_from_the_query_string_and_bad_values_are_ignored(partner, partner_client):
    data = catalog_make(partner, products=2)
    ProductPropertyFactory(product=data.products[0], value="latex")
    prop_id = data.products[0].properties.get().property_id

    response = partner_client.get(
        LIST,
        {"prop": [f"{prop_id}:latex", "x:y", "5"], "brand": ["abc"], "page": "-3", "sort": "?"},
    )

    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].products] == [data.products[0].pk]


def test_without_an_agreement_the_list_says_so(partner, partner_client):
    Agreement.objects.filter(counterparty__partner=partner).update(is_active=False)

    response = partner_client.get(LIST)

    assert response.status_code == 200
    assert "page" not in response.context
    assert 'data-testid="price-list"' not in response.content.decode()


def test_the_list_costs_the_same_queries_for_5_and_50_products(partner, partner_client):
    data = catalog_make(partner, products=5)
    few = _queries(partner_client, LIST + "?view=list")
    catalog_make(partner, products=45, section=data.section)
    many = _queries(partner_client, LIST + "?view=list")
    assert few == many <= 10


def test_a_search_on_a_limited_assortment_costs_the_same_for_5_and_50(partner, partner_client):
    data = catalog_make(partner, products=5)
    AssortmentRuleFactory(agreement=head_agreement(partner), section=data.section)
    url = LIST + "?q=product&sort=price&in_stock=1"
    few = _queries(partner_client, url)
    catalog_make(partner, products=45, section=data.section)
    many = _queries(partner_client, url)
    assert few == many <= 10


def test_the_results_partial_costs_the_same_for_5_and_50(partner, partner_client):
    data = catalog_make(partner, products=5, variants_per_product=2)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}
    few = _queries(partner_client, LIST + "?sort=stock", **htmx)
    catalog_make(partner, products=45, variants_per_product=2, section=data.section)
    assert _queries(partner_client, LIST + "?sort=stock", **htmx) == few


def test_an_employee_without_the_catalog_section_is_refused(partner, orders_only_employee):
    catalog_make(partner, products=1)
    client = client_for(orders_only_employee)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("catalog:price-list")).status_code == 403
