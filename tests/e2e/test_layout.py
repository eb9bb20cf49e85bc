"""Layout on a desktop and on a 390 px phone: nothing cut, nothing off screen.

Widths are measured in the browser: an element whose text does not fit has
scrollWidth > clientWidth, or its text runs past its own box; a page wider than the screen
has document.documentElement.scrollWidth > the viewport's width.
"""

import pytest
from playwright.sync_api import Locator, Page, expect

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import (
    AgreementFactory,
    CounterpartyFactory,
    PartnerFactory,
    UserFactory,
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
