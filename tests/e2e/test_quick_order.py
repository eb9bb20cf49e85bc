"""Quick order from a file in a real browser: upload, confirm the columns, read the report, fix
a row in place (htmx), merge into a cart that already has lines, and see the cart."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from kabinet.accounts.tests.factories import PASSWORD
from kabinet.cart.models import CartLine
from kabinet.cart.tests.factories import cart_make
from kabinet.imports.tests.builders import one_c_order_xlsx
from kabinet.imports.tests.factories import product_make


def url(live_server, path: str) -> re.Pattern:
    """The address on the live server; "<id>" stands for any id."""
    pattern = re.escape(live_server.url + path).replace(re.escape("<id>"), r"\d+")
    return re.compile(pattern + r"(\?.*)?(#.*)?$")


def log_in(page: Page, login: str) -> None:
    page.goto("/account/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_upload_map_fix_and_merge_into_the_cart(
    page: Page, live_server, partner, partner_admin, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    aspirin = product_make(partner, article="АС-500", name="Аспирин 500 мг №20")
    bandage = product_make(partner, article="10-2030", name="Бинт стерильный 7 м × 14 см")
    cotton = product_make(partner, article="4600123", name="Вата хирургическая 100 г", multiple="6")
    cart = cart_make(owner=partner_admin, lines={aspirin.test_variants[0]: 5})
    order_file = tmp_path / "Заказ поставщику 123.xlsx"
    order_file.write_bytes(one_c_order_xlsx())

    log_in(page, partner_admin.email)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto("/quick-order/")
    page.locator("#order-file").set_input_files(str(order_file))
    page.get_by_test_id("upload-submit").click()

    # The columns as proposed: the 1C form's table below its title block.
    expect(page).to_have_url(url(live_server, "/quick-order/<id>/mapping/"))
    expect(page.get_by_test_id("preview-header")).to_contain_text("Артикул")
    expect(page.locator("select[name=column_article]")).to_have_value("2")
    expect(page.locator("select[name=column_quantity]")).to_have_value("7")
    page.get_by_test_id("mapping-confirm").click()

    # The report: three rows, one not a multiple of 6.
    expect(page).to_have_url(url(live_server, "/quick-order/<id>/"))
    expect(page.get_by_test_id("count-total")).to_have_text("3")
    expect(page.get_by_test_id("count-recognised")).to_have_text("2")
    expect(page.get_by_test_id("count-errors")).to_have_text("1")
    problem = page.locator("[data-testid=row][data-row='10']")
    expect(problem).to_have_attribute("data-severity", "error")

    # Fixed in place: the row and the counts change, the page does not reload.
    problem.locator("input[name=quantity]").fill("996")
    problem.get_by_test_id("row-check").click()
    fixed = page.locator("[data-testid=row][data-row='10']")
    expect(fixed).to_have_attribute("data-severity", "ok")
    expect(page.get_by_test_id("count-errors")).to_have_text("0")
    expect(page.get_by_test_id("count-recognised")).to_have_text("3")

    # The cart already has a line: merge adds the quantities.
    form = page.get_by_test_id("apply-form")
    expect(form.locator("input[value=replace]")).to_have_count(1)
    form.locator("input[value=merge]").check()
    page.get_by_test_id("apply").click()

    expect(page).to_have_url(url(live_server, "/cart/"))
    expect(page.get_by_test_id("cart-line")).to_have_count(3)
    assert dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity")) == {
        aspirin.test_variants[0].pk: Decimal(15),
        bandage.test_variants[0].pk: Decimal(25),
        cotton.test_variants[0].pk: Decimal(996),
    }


def test_fixes_update_the_tab_counts_without_console_errors(
    page: Page, live_server, partner, partner_admin, log_in_as
):
    """Issue 8, item 20: the tab counters follow fixes made in place, and a fix that changes
    a row on another tab (merged with it) makes no htmx:oobErrorNoTarget in the console."""
    product_make(partner, article="P-1", name="Пластырь")
    product_make(partner, article="BOX-6", name="Бахилы", multiple="6")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_as(page, partner_admin)
    page.goto("/quick-order/")
    page.locator("textarea[name=text]").fill("P-1 5\nNONE 1\nBOX-6 4")
    page.get_by_test_id("paste-submit").click()

    expect(page).to_have_url(url(live_server, "/quick-order/<id>/"))
    expect(page.get_by_test_id("filter-count-errors")).to_have_text("2")
    expect(page.get_by_test_id("filter-count-warnings")).to_have_text("0")
    expect(page.locator("[data-testid=row]")).to_have_count(2)  # the errors tab

    # Row 2 becomes P-1: merged with row 1, which is on another tab.
    unknown = page.locator("[data-testid=row][data-row='2']")
    unknown.locator("input[name=code]").fill("P-1")
    unknown.locator("input[name=quantity]").fill("1")
    unknown.get_by_test_id("row-check").click()
    expect(page.locator("[data-testid=row][data-row='2']")).to_have_attribute(
        "data-severity", "warning"
    )
    expect(page.get_by_test_id("filter-count-errors")).to_have_text("1")
    expect(page.get_by_test_id("filter-count-warnings")).to_have_text("2")
    expect(page.get_by_test_id("count-errors")).to_have_text("1")

    # Row 3 takes a multiple of 6.
    boxes = page.locator("[data-testid=row][data-row='3']")
    boxes.locator("input[name=quantity]").fill("6")
    boxes.get_by_test_id("row-check").click()
    expect(page.locator("[data-testid=row][data-row='3']")).to_have_attribute("data-severity", "ok")
    expect(page.get_by_test_id("filter-count-errors")).to_have_text("0")
    expect(page.get_by_test_id("filter-count-all")).to_have_text("3")
    assert errors == []
