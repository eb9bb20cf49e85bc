"""Account journeys in a real browser: first login, employees, language, the mobile menu.

Texts are asserted only where the language itself is the point; otherwise the tests hold on to
URLs, status codes, `html[lang]`, data-testid elements and form field names.
"""

import re

from playwright.sync_api import Page, expect

from kabinet.accounts.models import Section, User
from kabinet.accounts.services import password_temporary_hash
from kabinet.accounts.tests.factories import PASSWORD, UserFactory

LOGIN = "/account/login/"
PASSWORD_CHANGE = "/account/password/"
EMPLOYEES = "/employees/"
TEMPORARY = "Temp-Pass-123"
NEW_PASSWORD = "Violet-Harbour-2718"


def url(live_server, path: str) -> re.Pattern:
    """The exact address on the live server, query string allowed."""
    return re.compile(re.escape(live_server.url + path) + r"(\?.*)?$")


def submit(page: Page) -> None:
    """Submits the page's own form (not the language switch or the logout form in the bar)."""
    page.locator("main form button[type=submit]").click()


def log_in(page: Page, login: str, password: str) -> None:
    page.goto(LOGIN)
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(password)
    submit(page)


def log_out(page: Page, live_server) -> None:
    page.wait_for_load_state("load")  # the dropdown needs Bootstrap's (deferred) script
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(url(live_server, LOGIN))


def change_forced_password(page: Page, live_server, new_password: str) -> None:
    expect(page).to_have_url(url(live_server, PASSWORD_CHANGE))
    expect(page.get_by_test_id("forced-change")).to_be_visible()
    # After a temporary password the old one is not asked again.
    expect(page.locator("input[name=old_password]")).to_have_count(0)
    page.locator("input[name=new_password1]").fill(new_password)
    page.locator("input[name=new_password2]").fill(new_password)
    submit(page)
    expect(page).to_have_url(url(live_server, "/"))


def switch_language(page: Page, to: str) -> None:
    button = page.get_by_test_id("language-switch").locator("button[type=submit]")
    expect(button).to_have_text(to.upper())
    button.click()
    expect(page.locator("html")).to_have_attribute("lang", to)


def menu_link(page: Page, path: str):
    return page.get_by_test_id("menu").locator(f'a[href="{path}"]')


def test_first_login_forces_a_password_change(page: Page, live_server, partner):
    user = UserFactory(
        partner=partner,
        email="newcomer@alpha.example",
        full_name="Nina Newcomer",
        password=password_temporary_hash(TEMPORARY),
        must_change_password=True,
    )

    log_in(page, "newcomer@alpha.example", TEMPORARY)
    expect(page).to_have_url(url(live_server, PASSWORD_CHANGE))
    expect(page.get_by_test_id("forced-change")).to_be_visible()

    # Nothing else opens before the password is changed.
    page.goto("/company/")
    expect(page).to_have_url(url(live_server, PASSWORD_CHANGE))
    expect(page.get_by_test_id("forced-change")).to_be_visible()

    change_forced_password(page, live_server, NEW_PASSWORD)
    expect(page.get_by_test_id("menu")).to_be_visible()
    user.refresh_from_db()
    assert user.must_change_password is False

    # The company page opens now.
    response = page.goto("/company/")
    assert response is not None
    assert response.status == 200
    expect(page).to_have_url(url(live_server, "/company/"))

    log_out(page, live_server)

    # The temporary password is spent.
    log_in(page, "newcomer@alpha.example", TEMPORARY)
    expect(page).to_have_url(url(live_server, LOGIN))
    expect(page.get_by_test_id("user-menu")).to_have_count(0)

    log_in(page, "newcomer@alpha.example", NEW_PASSWORD)
    expect(page).to_have_url(url(live_server, "/"))
    expect(page.get_by_test_id("forced-change")).to_have_count(0)
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def test_admin_creates_an_orders_only_employee(page: Page, live_server, partner_admin):
    log_in(page, partner_admin.email, PASSWORD)
    expect(page).to_have_url(url(live_server, "/"))
    # On a desktop the menu is on the page, the toggler is not needed.
    expect(page.locator("button[aria-controls=sidebar]")).to_be_hidden()
    menu_link(page, EMPLOYEES).click()
    expect(page).to_have_url(url(live_server, EMPLOYEES))

    page.goto("/employees/new/")
    form = page.locator("main form")
    form.locator("input[name=full_name]").fill("Olga Orders")
    form.locator("input[name=email]").fill("olga@alpha.example")
    form.locator("input[name=position]").fill("Purchasing clerk")
    form.locator("input[name=sections][value=orders]").check()
    expect(form.locator("input[name=sections]:checked")).to_have_count(1)
    expect(form.locator("input[name=counterparties]:checked")).to_have_count(0)
    expect(form.locator("input[name=send_invitation]")).not_to_be_checked()
    submit(page)

    issued_password = page.get_by_test_id("issued-password")
    expect(issued_password).to_be_visible()
    expect(page.get_by_test_id("issued-login")).to_have_text("olga@alpha.example")
    temporary = issued_password.inner_text().strip()
    assert len(temporary) >= 12
    employee = User.objects.get(email="olga@alpha.example")
    assert employee.partner_id == partner_admin.partner_id
    assert employee.sections == [Section.ORDERS]
    assert employee.must_change_password is True

    log_out(page, live_server)

    log_in(page, "olga@alpha.example", temporary)
    change_forced_password(page, live_server, NEW_PASSWORD)

    menu = page.get_by_test_id("menu")
    expect(menu).to_be_visible()
    expect(menu_link(page, "/")).to_be_visible()
    expect(menu_link(page, "/company/")).to_be_visible()
    expect(menu_link(page, EMPLOYEES)).to_have_count(0)

    response = page.goto(EMPLOYEES)
    assert response is not None
    assert response.status == 403
    response = page.goto("/employees/new/")
    assert response is not None
    assert response.status == 403


def test_language_switch_persists_across_pages_and_login(page: Page, live_server, partner_admin):
    html = page.locator("html")
    heading = page.locator("main h1")

    # Russian by default, even though the browser asks for English.
    page.goto(LOGIN)
    expect(html).to_have_attribute("lang", "ru")
    expect(heading).to_be_visible()
    expect(heading).not_to_have_text("Log in")

    switch_language(page, "en")
    expect(page).to_have_url(url(live_server, LOGIN))
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()

    # Another page keeps the choice.
    page.goto("/account/password/reset/")
    expect(html).to_have_attribute("lang", "en")

    switch_language(page, "ru")
    expect(page).to_have_url(url(live_server, "/account/password/reset/"))
    page.goto(LOGIN)
    expect(html).to_have_attribute("lang", "ru")
    expect(heading).not_to_have_text("Log in")

    switch_language(page, "en")
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()

    # Logging in keeps the language too.
    log_in(page, partner_admin.email, PASSWORD)
    expect(page).to_have_url(url(live_server, "/"))
    expect(html).to_have_attribute("lang", "en")
    expect(menu_link(page, EMPLOYEES)).to_have_text("Employees")
    page.goto(EMPLOYEES)
    expect(html).to_have_attribute("lang", "en")


def test_mobile_menu_is_behind_the_toggler(new_page, live_server, partner_admin):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, partner_admin.email, PASSWORD)
    expect(page).to_have_url(url(live_server, "/"))
    page.wait_for_load_state("load")  # the offcanvas needs Bootstrap's (deferred) script

    menu = page.get_by_test_id("menu")
    toggler = page.locator("button[aria-controls=sidebar]")
    expect(menu).to_be_hidden()
    expect(toggler).to_be_visible()

    toggler.click()
    expect(page.locator("#sidebar")).to_have_class(re.compile(r"\bshow\b"))
    expect(menu).to_be_visible()
    menu_link(page, EMPLOYEES).click()

    expect(page).to_have_url(url(live_server, EMPLOYEES))
    expect(menu).to_be_hidden()
    expect(page.locator("main h1")).to_be_visible()
