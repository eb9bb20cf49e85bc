import re
from decimal import Decimal

import pytest

from kabinet.accounts.models import Agreement, Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.models import CartLine
from kabinet.cart.tests.factories import cart_make, variants_bulk_make
from kabinet.cart.tests.factories import english_client as client_for
from kabinet.catalog.models import Product

HTMX = {"HTTP_HX_REQUEST": "true"}


def _lines(owner) -> dict[int, Decimal]:
    return dict(
        CartLine.objects.filter(cart__owner=owner, cart__name="").values_list(
            "variant_id", "quantity"
        )
    )


@pytest.fixture
def client(partner_admin):
    return client_for(partner_admin)


def test_the_cart_page_lists_lines_with_prices_warnings_and_totals(client, partner_admin, goods):
    first, second = goods.variants[:2]
    second.product.order_multiple = Decimal(4)
    second.product.save()
    cart_make(owner=partner_admin, lines={first: 2, second: 3})
    page = client.get("/cart/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="cart-line"') == 2
    assert first.product.name in body
    assert 'data-warning="multiple"' in body
    assert 'name="quantity" value="4"' in body  # the proposed quantity, one click away
    assert 'data-testid="total-amount">500.00&nbsp;₽' in body
    assert 'name="submit_token"' in body


def test_an_empty_cart_says_so(client):
    page = client.get("/cart/")
    assert page.status_code == 200
    assert 'data-testid="cart-empty"' in page.content.decode()


def test_line_add_answers_the_summary_for_htmx(client, partner_admin, goods):
    variant = goods.variants[0]
    response = client.post("/cart/lines/add/", {"variant": variant.pk, "quantity": "2"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Added to the cart." in body
    assert "In the cart: 1 line · 200.00&nbsp;₽" in body
    mini = '<div id="mini-cart" class="mini-cart d-inline-flex align-items-center"'
    assert f'{mini} data-testid="mini-cart" hx-swap-oob="true">' in body
    client.post("/cart/lines/add/", {"variant": variant.pk, "quantity": "3"}, **HTMX)
    assert _lines(partner_admin) == {variant.pk: Decimal(5)}


def test_line_add_redirects_to_the_cart_without_htmx(client, partner_admin, goods):
    response = client.post("/cart/lines/add/", {"variant": goods.variants[0].pk, "quantity": "1"})
    assert response.status_code == 302
    assert response.url == "/cart/"


def test_line_add_of_a_foreign_variant_says_not_available(client, partner_admin, other_partner):
    from kabinet.catalog.tests.factories import catalog_make

    foreign = catalog_make(other_partner, products=1).variants[0]
    for variant in (foreign.pk, "x", "", 10**30):
        response = client.post("/cart/lines/add/", {"variant": variant, "quantity": "1"}, **HTMX)
        assert response.status_code == 200
        assert "This product is not available to order." in response.content.decode()
        assert foreign.product.name not in response.content.decode()
    assert _lines(partner_admin) == {}


def test_lines_add_adds_the_whole_matrix_and_skips_empty_cells(client, partner_admin, goods):
    first, second, third = goods.variants
    data = {"variant": [first.pk, second.pk, third.pk], "quantity": ["2", "", "0"]}
    response = client.post("/cart/lines/add-all/", data, **HTMX)
    assert response.status_code == 200
    assert "In the cart: 1 line" in response.content.decode()
    assert _lines(partner_admin) == {first.pk: Decimal(2)}


def test_lines_add_changes_nothing_when_one_cell_is_wrong(client, partner_admin, goods):
    first, second = goods.variants[:2]
    data = {"variant": [first.pk, second.pk], "quantity": ["2", "1,5"]}
    response = client.post("/cart/lines/add-all/", data, **HTMX)
    assert f"“{second.product.name}” is sold in whole units only." in response.content.decode()
    assert _lines(partner_admin) == {}


def test_a_line_update_answers_the_row_and_the_totals_out_of_band(client, partner_admin, goods):
    first, second = goods.variants[:2]
    cart_make(owner=partner_admin, lines={first: 1, second: 1})
    response = client.post(f"/cart/lines/{first.pk}/", {"quantity": "3"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="cart-line"') == 1
    assert f'id="cart-line-{first.pk}"' in body
    assert (
        '<div id="cart-totals" class="card" data-testid="cart-totals" hx-swap-oob="true">' in body
    )
    assert 'data-testid="total-amount">400.00&nbsp;₽' in body
    assert _lines(partner_admin) == {first.pk: Decimal(3), second.pk: Decimal(1)}


def test_a_refused_line_update_shows_the_error_in_the_row_and_changes_nothing(
    client, partner_admin, goods
):
    variant = goods.variants[0]
    cart_make(owner=partner_admin, lines={variant: 2})
    response = client.post(f"/cart/lines/{variant.pk}/", {"quantity": "2.5"}, **HTMX)
    body = response.content.decode()
    assert f"“{variant.product.name}” is sold in whole units only." in body
    assert 'value="2"' in body
    assert _lines(partner_admin) == {variant.pk: Decimal(2)}


def test_quantity_zero_or_remove_drops_the_row(client, partner_admin, goods):
    first, second = goods.variants[:2]
    cart_make(owner=partner_admin, lines={first: 1, second: 1})
    response = client.post(f"/cart/lines/{first.pk}/", {"quantity": "0"}, **HTMX)
    assert 'data-testid="cart-line"' not in response.content.decode()
    response = client.post(f"/cart/lines/{second.pk}/remove/", **HTMX)
    assert 'data-testid="total-lines">0<' in response.content.decode()
    assert _lines(partner_admin) == {}


def test_updating_a_line_that_is_not_in_the_cart_is_404(client, partner_admin, goods):
    cart_make(owner=partner_admin, lines={goods.variants[0]: 1})
    assert client.post(f"/cart/lines/{goods.variants[1].pk}/", {"quantity": "1"}).status_code == 404
    assert client.post(f"/cart/lines/{2**64}/", {"quantity": "1"}).status_code == 404
    assert client.post(f"/cart/lines/{goods.variants[1].pk}/remove/").status_code == 404


def test_clear_empties_the_cart(client, partner_admin, goods):
    cart_make(owner=partner_admin, lines={goods.variants[0]: 1})
    assert client.post("/cart/clear/").status_code == 302
    assert _lines(partner_admin) == {}


def test_the_mini_cart_fragment(client, partner_admin, goods):
    cart_make(owner=partner_admin, lines={goods.variants[0]: 2, goods.variants[1]: 1})
    body = client.get("/cart/mini/").content.decode()
    assert 'data-testid="mini-cart-lines" title="Lines in the cart">2<' in body
    assert 'data-testid="mini-cart-total">300.00&nbsp;₽<' in body
    assert "hx-get" not in body


def test_an_employee_without_the_catalog_section_cannot_use_the_cart(partner, goods):
    client = client_for(UserFactory(partner=partner, sections=[Section.ORDERS]))
    assert client.get("/cart/").status_code == 403
    response = client.post("/cart/lines/add/", {"variant": goods.variants[0].pk, "quantity": "1"})
    assert response.status_code == 403


def _cart_of(owner, agreement, n):
    variants = variants_bulk_make(agreement.price_type, n=n)
    cart_make(owner=owner, agreement=agreement, lines=dict.fromkeys(variants, 1))
    return variants


def _queries_for(django_assert_max_num_queries, client, method, url, data=None, **extra):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code == 200
    return len(queries), response


def test_the_cart_page_query_count_does_not_grow_with_lines(
    partner, agreement, django_assert_max_num_queries
):
    counts = []
    for n in (5, 500):
        user = UserFactory(partner=partner)
        _cart_of(user, agreement, n)
        count, response = _queries_for(
            django_assert_max_num_queries, client_for(user), "get", "/cart/"
        )
        assert response.content.decode().count('data-testid="cart-line"') == n
        counts.append(count)
    assert counts[0] == counts[1]
    assert counts[1] <= 20


def test_a_one_line_update_in_a_500_line_cart_renders_one_row_in_constant_queries(
    partner, agreement, django_assert_max_num_queries
):
    counts = []
    for n in (5, 500):
        user = UserFactory(partner=partner)
        variants = _cart_of(user, agreement, n)
        url = f"/cart/lines/{variants[n // 2].pk}/"
        count, response = _queries_for(
            django_assert_max_num_queries, client_for(user), "post", url, {"quantity": "2"}, **HTMX
        )
        body = response.content.decode()
        assert body.count('data-testid="cart-line"') == 1
        assert f'data-testid="total-amount">{(n + 1) * 10:,}.00&nbsp;₽' in body
        counts.append(count)
    assert counts[0] == counts[1]
    assert counts[1] <= 22


def _send_disabled(body: str) -> bool:
    button = re.search(r"<button[^>]*data-testid=\"checkout-send\"[^>]*>", body)
    assert button is not None
    return " disabled" in button.group(0)


def test_a_line_change_swaps_the_send_button_in_step_with_the_lines(
    client, partner_admin, agreement, settings
):
    boxed, single = variants_bulk_make(agreement.price_type, n=2)
    Product.objects.filter(pk=boxed.product_id).update(order_multiple=5)
    cart_make(owner=partner_admin, agreement=agreement, lines={boxed: 5, single: 1})
    url = f"/cart/lines/{boxed.pk}/"
    assert _send_disabled(client.get("/cart/").content.decode()) is False

    broken = client.post(url, {"quantity": "3"}, **HTMX).content.decode()
    fixed = client.post(url, {"quantity": "5"}, **HTMX).content.decode()
    settings.KABINET_CREDIT_CHECK = "block"
    Agreement.objects.filter(pk=agreement.pk).update(credit_limit=1)
    over_limit = client.post(url, {"quantity": "10"}, **HTMX).content.decode()

    assert '<div id="checkout-gate" hx-swap-oob="true">' in broken
    assert (_send_disabled(broken), 'data-testid="checkout-problems"' in broken) == (True, True)
    assert (_send_disabled(fixed), 'data-testid="checkout-problems"' in fixed) == (False, False)
    assert _send_disabled(over_limit) is True
