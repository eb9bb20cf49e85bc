"""Storefront journeys in a real browser: catalog → card → cart → order → order list.

The tests hold on to URLs, data-testid elements, form field names and data attributes; texts
only where the language is the point. htmx updates are checked to happen in place: a marker
set on `window` before the action must survive it (a page load would drop it).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kabinet.accounts.models import Agreement, Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.models import CartLine
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.catalog.tests.factories import (
    AssortmentRuleFactory,
    PriceFactory,
    ProductFactory,
    SectionFactory,
    StockFactory,
    VariantFactory,
    WarehouseFactory,
    catalog_make,
)
from kabinet.orders.models import Order
from kabinet.orders.tests.factories import orders_make
from kabinet.orders.workflow import Status

GLOVES_ARTICLE = "GLV-4410"
COLOURS = ["синий", "белый"]
SIZES = ["S", "M", "L"]
PRICE = Decimal("12.50")
MOBILE = {"width": 390, "height": 844}
ORDER_PAGE = re.compile(r"/orders/\d+/$")


def url(live_server, path: str) -> re.Pattern:
    """The exact address on the live server, query string allowed."""
    return re.compile(re.escape(live_server.url + path) + r"(\?.*)?$")


def price_types_of(partner) -> list[int]:
    return sorted(
        Agreement.objects.filter(counterparty__partner=partner, is_active=True).values_list(
            "price_type_id", flat=True
        )
    )


def gloves_make(*partners, section=None):
    """Examination gloves in 2 colours × 3 sizes (white L not sold), priced for `partners`."""
    section = section or SectionFactory(name="Перчатки")
    product = ProductFactory(
        section=section,
        name="Перчатки смотровые нитриловые",
        article=GLOVES_ARTICLE,
        unit="уп",
        vat_rate=Decimal("10.00"),
    )
    warehouse = WarehouseFactory(name="Москва")
    price_types = sorted({pt for partner in partners for pt in price_types_of(partner)})
    variants = {}
    for row, colour in enumerate(COLOURS):
        for column, size in enumerate(SIZES):
            if (colour, size) == ("белый", "L"):
                continue
            variant = VariantFactory(
                product=product, color=colour, size=size, name=size, sort=row * 10 + column
            )
            for price_type_id in price_types:
                PriceFactory(price_type_id=price_type_id, variant=variant, amount=PRICE)
            StockFactory(variant=variant, warehouse=warehouse, quantity=Decimal("500"))
            variants[(colour, size)] = variant
    product_search_text_refresh([product.pk])
    catalog_cache_clear()
    return product, variants


@pytest.fixture
def buyer(partner):
    return UserFactory(
        partner=partner,
        email="buyer@alpha.example",
        full_name="Бондарева Анна",
        sections=[Section.CATALOG, Section.ORDERS],
    )


def mark_window(page: Page) -> None:
    page.evaluate("window.__noReload = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload === true"), "the page was loaded again"


def mini_cart_lines(page: Page):
    return page.get_by_test_id("mini-cart-lines")


def search(page: Page, text: str) -> None:
    page.locator("#catalog-q").fill(text)
    page.locator("#catalog-filters button[type=submit]").click()


def test_buyer_finds_orders_and_filters_the_order_list(
    new_page, live_server, partner, buyer, log_in_as
):
    product, variants = gloves_make(partner)
    catalog_make(partner, products=5)  # other goods the search must leave out
    history = orders_make(partner, n=8)  # one order in each status, one of them "sent"
    page = new_page()
    log_in_as(page, buyer)

    # Catalog search by article finds the one product.
    page.goto("/catalog/")
    expect(page.get_by_test_id("mini-cart-lines")).to_have_text("0")
    search(page, GLOVES_ARTICLE)
    tiles = page.get_by_test_id("product-tile")
    expect(tiles).to_have_count(1)
    expect(tiles.first).to_contain_text(GLOVES_ARTICLE)
    tiles.first.get_by_role("link", name=product.name).click()
    expect(page).to_have_url(url(live_server, f"/catalog/products/{product.pk}/"))

    # The matrix: 2 colours × 3 sizes, one combination not sold.
    matrix = page.get_by_test_id("matrix")
    expect(matrix.get_by_test_id("matrix-cell")).to_have_count(5)
    mark_window(page)
    wanted = {("синий", "S"): 10, ("синий", "L"): 4, ("белый", "M"): 6}
    for (colour, size), quantity in wanted.items():
        page.locator(f"#mqty-{variants[(colour, size)].pk}").fill(str(quantity))
    page.get_by_test_id("add-all").click()
    expect(mini_cart_lines(page)).to_have_text("3")
    expect(page.get_by_test_id("cart-added")).to_be_visible()
    assert_not_reloaded(page)
    # The filled cells are emptied for the next entry.
    expect(page.locator(f"#mqty-{variants[('синий', 'S')].pk}")).to_have_value("")

    # The cart: change one line, only that row and the totals change.
    page.locator("#mini-cart a").click()
    expect(page).to_have_url(url(live_server, "/cart/"))
    lines = page.get_by_test_id("cart-line")
    expect(lines).to_have_count(3)
    total = page.get_by_test_id("total-amount")
    expect(total).to_contain_text("250,00")  # 20 × 12,50
    changed = variants[("синий", "L")]
    unchanged = page.locator(f"#cart-line-{variants[('синий', 'S')].pk}")
    unchanged.evaluate("row => { row.dataset.untouched = 'yes'; }")
    mark_window(page)
    quantity = page.locator(f"#qty-{changed.pk}")
    quantity.fill("8")
    quantity.press("Enter")
    row = page.locator(f"#cart-line-{changed.pk}")
    expect(row.get_by_test_id("line-amount")).to_contain_text("100,00")  # 8 × 12,50
    expect(total).to_contain_text("300,00")
    expect(page.get_by_test_id("mini-cart-total")).to_contain_text("300,00")
    expect(unchanged).to_have_attribute("data-untouched", "yes")  # not re-rendered
    assert_not_reloaded(page)

    # Send the order from the checkout form on the cart page.
    checkout = page.get_by_test_id("checkout")
    checkout.locator("textarea[name=comment]").fill("Доставка до 14:00")
    checkout.get_by_test_id("checkout-send").click()
    expect(page).to_have_url(ORDER_PAGE)
    order = Order.objects.get(partner=partner, comment="Доставка до 14:00")
    expect(page).to_have_url(url(live_server, f"/orders/{order.pk}/"))
    assert order.status == Status.SENT
    assert order.total == Decimal("300.00")
    assert sorted((line.variant_id, line.quantity) for line in order.lines.all()) == sorted(
        [
            (variants[("синий", "S")].pk, Decimal(10)),
            (variants[("синий", "L")].pk, Decimal(8)),
            (variants[("белый", "M")].pk, Decimal(6)),
        ]
    )
    expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", Status.SENT)
    expect(mini_cart_lines(page)).to_have_text("0")

    # The order list shows it as sent, and its filters find the right rows.
    page.goto("/orders/")
    rows = page.get_by_test_id("order-row")
    expect(rows).to_have_count(len(history) + 1)
    ours = rows.filter(has_text=order.number)
    expect(ours.locator("[data-status]")).to_have_attribute("data-status", Status.SENT)
    expect(ours.locator("[data-status]")).to_have_text(re.compile("Отправлен|Sent"))

    page.locator("#id_status").select_option(Status.SENT)
    sent = sorted([order.number] + [o.number for o in history if o.status == Status.SENT])
    expect(rows).to_have_count(len(sent))
    assert sorted(rows.locator("a.fw-semibold").all_inner_texts()) == sent
    expect(page).to_have_url(re.compile(r"[?&]status=sent"))

    page.locator("#id_status").select_option("")
    expect(rows).to_have_count(len(history) + 1)
    page.locator("#id_number").fill(order.number)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(order.number)
    page.locator("#id_number").fill("NO-SUCH-NUMBER")
    expect(rows).to_have_count(0)
    expect(page.get_by_test_id("order-count")).to_contain_text("0")


def test_product_outside_the_assortment_is_neither_found_nor_opened(
    new_page, live_server, partner, other_partner, log_in_as
):
    # Priced for both partners, but Omega's agreements sell only their own section.
    product, _variants = gloves_make(partner, other_partner)
    allowed = catalog_make(other_partner, products=2)
    for agreement in Agreement.objects.filter(counterparty__partner=other_partner):
        AssortmentRuleFactory(agreement=agreement, section=allowed.section)
    catalog_cache_clear()
    omega = UserFactory(partner=other_partner, email="buyer@omega.example")
    alpha = UserFactory(partner=partner, email="buyer2@alpha.example")

    page = new_page()
    log_in_as(page, omega)
    page.goto("/catalog/")
    expect(page.get_by_test_id("product-tile")).to_have_count(2)
    search(page, GLOVES_ARTICLE)
    expect(page.get_by_test_id("nothing-found")).to_be_visible()
    expect(page.get_by_test_id("product-tile")).to_have_count(0)
    page.goto(f"/catalog/?q={GLOVES_ARTICLE}&view=list")
    expect(page.get_by_test_id("nothing-found")).to_be_visible()
    response = page.goto(f"/catalog/products/{product.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(product.name)

    # The same article is there for a partner whose assortment has it.
    other = new_page()
    log_in_as(other, alpha)
    other.goto(f"/catalog/?q={GLOVES_ARTICLE}")
    expect(other.get_by_test_id("product-tile")).to_have_count(1)
    response = other.goto(f"/catalog/products/{product.pk}/")
    assert response is not None
    assert response.status == 200


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the page is {width}px wide on a {MOBILE['width']}px screen"


def test_mobile_buyer_places_an_order(new_page, live_server, partner, buyer, log_in_as):
    product, variants = gloves_make(partner)
    page = new_page(viewport=MOBILE, has_touch=True, is_mobile=True)
    log_in_as(page, buyer)
    page.goto("/")
    page.wait_for_load_state("load")  # the offcanvas needs Bootstrap's (deferred) script

    # The menu is behind the toggler.
    catalog_link = page.get_by_test_id("menu").locator('a[href="/catalog/"]')
    expect(catalog_link).to_be_hidden()
    page.locator("button[aria-controls=sidebar]").tap()
    expect(catalog_link).to_be_visible()
    catalog_link.tap()
    expect(page).to_have_url(url(live_server, "/catalog/"))
    assert_no_horizontal_scroll(page)

    search(page, GLOVES_ARTICLE)
    tile = page.get_by_test_id("product-tile")
    expect(tile).to_have_count(1)
    tile.get_by_role("link", name=product.name).tap()
    expect(page).to_have_url(url(live_server, f"/catalog/products/{product.pk}/"))
    assert_no_horizontal_scroll(page)

    cell = page.locator(f"#mqty-{variants[('белый', 'S')].pk}")
    cell.scroll_into_view_if_needed()
    cell.tap()
    cell.fill("3")
    add_all = page.get_by_test_id("add-all")
    add_all.scroll_into_view_if_needed()
    add_all.tap()
    expect(mini_cart_lines(page)).to_have_text("1")

    page.locator("#mini-cart a").tap()
    expect(page).to_have_url(url(live_server, "/cart/"))
    assert_no_horizontal_scroll(page)
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    send = page.get_by_test_id("checkout-send")
    send.scroll_into_view_if_needed()
    send.tap()
    expect(page).to_have_url(ORDER_PAGE)
    order = Order.objects.get(partner=partner)
    expect(page).to_have_url(url(live_server, f"/orders/{order.pk}/"))
    assert order.status == Status.SENT
    assert [(line.variant_id, line.quantity) for line in order.lines.all()] == [
        (variants[("белый", "S")].pk, Decimal(3))
    ]
    assert_no_horizontal_scroll(page)


def test_list_view_enter_adds_the_line_and_moves_to_the_next_row(
    new_page, live_server, partner, buyer, log_in_as
):
    data = catalog_make(partner, products=4)
    page = new_page()
    log_in_as(page, buyer)
    page.goto("/catalog/?view=list")
    rows = page.get_by_test_id("product-row")
    expect(rows).to_have_count(4)
    inputs = page.locator("[data-quick-qty]")
    expect(inputs).to_have_count(4)
    first, second, third = inputs.nth(0), inputs.nth(1), inputs.nth(2)
    mark_window(page)

    first.click()
    first.fill("3")
    first.press("Enter")
    expect(mini_cart_lines(page)).to_have_text("1")
    expect(second).to_be_focused()
    expect(first).to_have_class(re.compile(r"\bis-valid\b"))

    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(mini_cart_lines(page)).to_have_text("2")
    expect(third).to_be_focused()

    # Enter on an empty row only moves on.
    page.keyboard.press("Enter")
    expect(inputs.nth(3)).to_be_focused()
    expect(mini_cart_lines(page)).to_have_text("2")

    # A quantity the row refuses (half a piece) is marked there and keeps the focus.
    page.keyboard.type("0.5")
    page.keyboard.press("Enter")
    expect(inputs.nth(3)).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(inputs.nth(3)).to_be_focused()
    assert inputs.nth(3).evaluate("input => input.validity.stepMismatch")
    page.keyboard.press("Backspace")
    expect(inputs.nth(3)).not_to_have_class(re.compile(r"\bis-invalid\b"))
    expect(mini_cart_lines(page)).to_have_text("2")
    assert_not_reloaded(page)

    # The quantity inputs are named after their variants ("qty-<id>").
    typed = {first.get_attribute("id"): Decimal(3), second.get_attribute("id"): Decimal(2)}
    expected = {int(key.removeprefix("qty-")): quantity for key, quantity in typed.items()}
    assert set(expected) <= {variant.pk for variant in data.variants}
    lines = CartLine.objects.filter(cart__owner=buyer, cart__name="")
    assert {line.variant_id: line.quantity for line in lines} == expected
