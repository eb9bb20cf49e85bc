"""Layout on a desktop and on a 390 px phone: nothing cut, nothing off screen.

Widths are measured in the browser: an element whose text does not fit has
scrollWidth > clientWidth, or its text runs past its own box; a page wider than the screen
has document.documentElement.scrollWidth > the viewport's width.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from kabinet.accounts.models import Agreement, Counterparty, Section
from kabinet.accounts.tests.factories import (
    AgreementFactory,
    CounterpartyFactory,
    PartnerFactory,
    UserFactory,
)
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.catalog.tests.factories import (
    PriceFactory,
    ProductFactory,
    StockFactory,
    VariantFactory,
    WarehouseFactory,
)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
HEAD = "ООО «Аптечная сеть „Здоровье“ Северо-Западного федерального округа»"
BRANCH = "ООО «Здоровье-Калининград»"


def assert_fits(locator: Locator) -> None:
    """The element's text is all inside the element, and the element inside the screen."""
    box = locator.evaluate(
        """element => {
            const range = document.createRange();
            range.selectNodeContents(element);
            const text = range.getBoundingClientRect();
            const own = element.getBoundingClientRect();
            return {scroll: element.scrollWidth, client: element.clientWidth,
                    textLeft: text.left, textRight: text.right,
                    left: own.left, right: own.right, screen: window.innerWidth};
        }"""
    )
    assert box["scroll"] <= box["client"], f"the text is cut: {box}"
    assert box["left"] - 0.5 <= box["textLeft"], f"the text runs out of its box: {box}"
    assert box["textRight"] <= box["right"] + 0.5, f"the text runs out of its box: {box}"
    assert box["left"] >= 0, f"off screen: {box}"
    assert box["right"] <= box["screen"], f"off screen: {box}"


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.evaluate("window.innerWidth")
    assert width <= screen, f"the page is {width}px wide on a {screen}px screen"


@pytest.fixture
def long_names(db):
    """A partner whose head company has a long name and an agreement named with its number."""
    partner = PartnerFactory(name="Здоровье")
    head = CounterpartyFactory(partner=partner, name=HEAD)
    branch = CounterpartyFactory(partner=partner, parent=head, name=BRANCH)
    supply = AgreementFactory(counterparty=head, name="Договор поставки № 12", number="12")
    AgreementFactory(counterparty=branch, name="Основной договор", number="ДП-7")
    user = UserFactory(partner=partner, sections=[Section.CATALOG, Section.ORDERS])
    return user, supply


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_agreement_switcher_shows_the_whole_name(new_page, log_in_as, long_names, viewport):
    user, _supply = long_names
    page = new_page(viewport=viewport)
    log_in_as(page, user)
    for path in ("/", "/catalog/", "/orders/", "/company/"):
        page.goto(path)
        current = page.get_by_test_id("agreement-current")
        expect(current).to_be_visible()
        expect(current).to_contain_text(HEAD)
        expect(current).to_contain_text("Договор поставки № 12")
        assert current.inner_text().count("№") == 1
        expect(current).to_have_attribute("title", f"{HEAD} · Договор поставки № 12")
        assert_fits(current)
        assert_no_sideways_scroll(page)

    # Switching: the menu's choices fit too, and the header then shows the other agreement.
    page.wait_for_load_state("load")  # the dropdown needs Bootstrap's (deferred) script
    current.click()
    choices = page.get_by_test_id("agreement-choice")
    expect(choices).to_have_count(2)
    menu = page.get_by_test_id("agreement-menu")
    for item in menu.locator(".dropdown-header, [data-testid=agreement-choice]").all():
        assert_fits(item)
    choices.filter(has_text="Основной договор № ДП-7").click()
    expect(current).to_contain_text(BRANCH)
    expect(current).to_contain_text("Основной договор № ДП-7")
    assert_fits(current)
    assert_no_sideways_scroll(page)


def assert_on_screen(locator: Locator, page: Page) -> None:
    """Each element is within the screen's width where it stands (no sideways scrolling)."""
    screen = page.evaluate("window.innerWidth")
    count = locator.count()
    assert count > 0
    for index in range(count):
        box = locator.nth(index).evaluate(
            "element => { const r = element.getBoundingClientRect();"
            " return {left: r.left, right: r.right, width: r.width}; }"
        )
        assert box["width"] > 0, f"element {index} is not shown"
        assert box["left"] >= 0, f"element {index} is off screen: {box}"
        assert box["right"] <= screen, f"element {index} is off screen: {box}"


SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL"]
COLOURS = ["голубой", "белый", "зелёный"]
PRICE = Decimal("1234.50")
WAREHOUSES = ["Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Краснодар"]


@pytest.fixture
def gown(partner):
    """A gown in 3 colours × 7 sizes (one combination not sold), stocked at 5 warehouses."""
    product = ProductFactory(name="Халат хирургический стерильный", article="HL-7700", unit="шт")
    warehouses = [WarehouseFactory(name=name) for name in WAREHOUSES]
    price_types = Agreement.objects.filter(counterparty__partner=partner).values_list(
        "price_type_id", flat=True
    )
    for row, colour in enumerate(COLOURS):
        for column, size in enumerate(SIZES):
            if (colour, size) == ("зелёный", "3XL"):
                continue
            variant = VariantFactory(
                product=product, color=colour, size=size, name=size, sort=10 * row + column
            )
            for price_type_id in set(price_types):
                PriceFactory(
                    price_type_id=price_type_id, variant=variant, amount=Decimal("1234.50")
                )
            for warehouse in warehouses:
                StockFactory(variant=variant, warehouse=warehouse, quantity=Decimal("12500"))
    product_search_text_refresh([product.pk])
    catalog_cache_clear()
    return product


def test_the_product_card_fits_a_phone(new_page, log_in_as, partner, partner_admin, gown):
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in_as(page, partner_admin)
    page.goto(f"/catalog/products/{gown.pk}/")

    quantities = page.locator("[data-matrix-qty]")
    expect(quantities).to_have_count(len(SIZES) * len(COLOURS) - 1)
    assert_no_sideways_scroll(page)
    assert_on_screen(quantities, page)
    assert_on_screen(page.get_by_test_id("add-all"), page)
    stock = page.get_by_test_id("stock-by-warehouse")
    assert_on_screen(stock.locator("td"), page)
    for name in WAREHOUSES:  # each warehouse is named next to its quantity
        expect(stock.locator("tbody tr").first).to_contain_text(f"{name}: 12 500")

    # Typing into the last cell and adding works on the phone.
    last = quantities.last
    last.scroll_into_view_if_needed()
    last.fill("3")
    add_all = page.get_by_test_id("add-all")
    add_all.scroll_into_view_if_needed()
    add_all.tap()
    expect(page.get_by_test_id("mini-cart-lines")).to_have_text("1")


def test_the_employee_list_fits_a_phone(new_page, log_in_as, partner, partner_admin):
    counterparties = list(Counterparty.objects.filter(partner=partner))
    for n in range(4):
        employee = UserFactory(
            partner=partner,
            email=f"konstantin.konstantinopolsky.{n}@apteka-zdorovie-severo-zapad.example",
            phone=f"+7912555000{n}",
            full_name="Константинопольский Константин Константинович",
            position="Заведующий аптечным складом",
            sections=list(Section.values),
        )
        employee.counterparties.set(counterparties)
    UserFactory(partner=partner, email="blocked@alpha.example", is_active=False)
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in_as(page, partner_admin)
    page.goto("/employees/")

    expect(page.get_by_test_id("employee")).to_have_count(6)
    assert_no_sideways_scroll(page)
    buttons = page.get_by_test_id("employees").locator("button, a")
    expect(buttons).to_have_count(6 + 5 * 2)  # a name link each; two buttons but for oneself
    assert_on_screen(buttons, page)
    assert_on_screen(page.get_by_test_id("employee-add"), page)
