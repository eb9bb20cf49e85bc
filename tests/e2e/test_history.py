"""Browser history over htmx-filtered lists: Back lands on the whole page, filters kept.

A list filtered with htmx pushes its address (`?status=sent`); the same address also answers
htmx with a fragment. Back from a page opened there must show the whole styled page again —
never that fragment out of the browser's cache — with the filter still applied.
"""

import re

from playwright.sync_api import Page, expect

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.catalog.tests.factories import catalog_make
from kabinet.orders.models import Order
from kabinet.orders.tests.factories import orders_make
from kabinet.orders.workflow import Status


def assert_whole_page(page: Page) -> None:
    """The layout is there and styled: the menu, and Bootstrap's stylesheet applied."""
    expect(page.get_by_test_id("menu")).to_be_attached()
    assert page.evaluate("document.styleSheets.length") >= 3
    colour = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert colour != "rgba(0, 0, 0, 0)", "the navigation bar has no style"


def test_back_from_an_order_returns_to_the_filtered_order_list(
    new_page, live_server, partner, log_in_as
):
    buyer = UserFactory(partner=partner, sections=[Section.CATALOG, Section.ORDERS])
    history = orders_make(partner, n=8)
    sent = sorted(o.number for o in history if o.status == Status.SENT)
    page = new_page()
    log_in_as(page, buyer)
    page.goto("/orders/")
    rows = page.get_by_test_id("order-row")
    expect(rows).to_have_count(len(history))

    page.locator("#id_status").select_option(Status.SENT)
    expect(page).to_have_url(re.compile(r"[?&]status=sent"))
    expect(rows).to_have_count(len(sent))
    rows.first.locator("a.fw-semibold").click()
    expect(page.get_by_test_id("order-status")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/orders/\?.*status=sent"))
    expect(rows).to_have_count(len(sent))
    assert sorted(rows.locator("a.fw-semibold").all_inner_texts()) == sent
    expect(page.locator("#id_status")).to_have_value(Status.SENT)
    assert_whole_page(page)

    # Another filter on the same page; meanwhile a draft is sent. Back shows the list as it is
    # now (from the server, not an old copy kept by htmx).
    page.locator("#id_status").select_option(Status.DRAFT)
    expect(page).to_have_url(re.compile(r"[?&]status=draft"))
    draft = next(o for o in history if o.status == Status.DRAFT)
    expect(rows).to_have_count(1)
    Order.objects.filter(pk=draft.pk).update(status=Status.SENT)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/orders/\?.*status=sent"))
    expect(rows).to_have_count(len(sent) + 1)
    expect(rows.filter(has_text=draft.number)).to_have_count(1)
    expect(page.locator("#id_status")).to_have_value(Status.SENT)
    assert_whole_page(page)

    # Back once more, to the unfiltered list the filter was chosen on.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/orders/$"))
    expect(rows).to_have_count(len(history))
    expect(page.locator("#id_status")).to_have_value("")  # the form matches the list
    assert_whole_page(page)


def test_back_from_a_product_returns_to_the_searched_catalog(
    new_page, live_server, partner, log_in_as
):
    data = catalog_make(partner, products=4)
    wanted = data.products[2]
    buyer = UserFactory(partner=partner, sections=[Section.CATALOG])
    page = new_page()
    log_in_as(page, buyer)
    page.goto("/catalog/")
    tiles = page.get_by_test_id("product-tile")
    expect(tiles).to_have_count(4)
    page.locator("#catalog-q").fill(wanted.article)
    page.locator("#catalog-filters button[type=submit]").click()
    expect(tiles).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]q="))
    tiles.first.get_by_role("link", name=wanted.name).click()
    expect(page).to_have_url(re.compile(rf"/catalog/products/{wanted.pk}/$"))

    page.go_back()
    expect(tiles).to_have_count(1)
    expect(page.locator("#catalog-q")).to_have_value(wanted.article)
    assert_whole_page(page)
