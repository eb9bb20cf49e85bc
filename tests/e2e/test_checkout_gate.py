"""The checkout's "send" button follows the cart's lines in a real browser (issue 13, point 6):
disabled while a line breaks its order multiple or minimum, enabled once every line is fixed
in place (htmx, no page load), and the server refuses a forced send anyway."""

from decimal import Decimal

from playwright.sync_api import expect

from kabinet.cart.tests.factories import cart_make
from kabinet.catalog.models import Product
from kabinet.catalog.tests.factories import catalog_make
from kabinet.orders.models import Order


def test_the_send_button_is_disabled_while_a_line_breaks_its_multiple(
    page, partner, partner_admin, log_in_as
):
    data = catalog_make(partner, products=2)
    boxed, single = data.variants
    Product.objects.filter(pk=boxed.product_id).update(order_multiple=Decimal(5))
    cart_make(owner=partner_admin, lines={boxed: 3, single: 1})
    log_in_as(page, partner_admin)
    page.goto("/cart/")

    send = page.get_by_test_id("checkout-send")
    expect(send).to_be_disabled()
    expect(page.get_by_test_id("checkout-problems")).to_be_visible()
    page.evaluate("window.keptAcrossSwaps = true")
    quantity = page.locator(f"#qty-{boxed.pk}")

    quantity.fill("5")
    quantity.press("Enter")
    expect(send).to_be_enabled()
    expect(page.get_by_test_id("checkout-problems")).to_have_count(0)

    quantity.fill("7")
    quantity.press("Enter")
    expect(send).to_be_disabled()
    expect(page.get_by_test_id("checkout-problems")).to_be_visible()
    assert page.evaluate("window.keptAcrossSwaps") is True  # changed in place, no page load

    # A forced click (the attribute removed by hand) is still refused by the server.
    page.evaluate("document.querySelector('[data-testid=checkout-send]').disabled = false")
    page.get_by_test_id("checkout-send").click()
    expect(page.get_by_test_id("checkout-errors")).to_contain_text(boxed.product.name)
    assert not Order.objects.exists()
