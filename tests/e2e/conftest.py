"""Browser tests: Playwright (sync API) with Debian's Chromium against the live server.

Every test in this folder is marked `e2e`, so `pytest -m "not e2e"` leaves them out and
`pytest -m e2e` runs only them. Pages come from a fresh browser context per test; when a test
fails, a full-page screenshot and the page's HTML are saved in `test-artifacts/e2e/`.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests of this folder (and only those) before `-m` selects by marker."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        _save_artifacts(item)
    return report


def _save_artifacts(item) -> None:
    pages = [page for page in getattr(item, "e2e_pages", []) if not page.is_closed()]
    if not pages:
        return
    folder = item.config.rootpath / "test-artifacts" / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name)
    for number, page in enumerate(pages, start=1):
        stem = name if len(pages) == 1 else f"{name}-{number}"
        try:
            page.screenshot(path=str(folder / f"{stem}.png"), full_page=True)
            (folder / f"{stem}.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # the report must survive a page that cannot be captured
            item.add_report_section("call", "e2e artifacts", f"{stem}: {error!r}")


@pytest.fixture(scope="session")
def _async_unsafe_allowed():
    """Playwright's sync API keeps an event loop running in the test's thread, and Django
    refuses ORM calls from such a thread unless told otherwise (the fixtures and the test DB
    flush use the ORM there)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_async_unsafe_allowed):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make system-packages)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(request, browser, live_server, transactional_db):
    """Opens a page in a fresh context (own cookies) pointed at the live server.

    The browser's locale is English on purpose: the portal must stay Russian until the user
    switches, whatever the browser's Accept-Language says.
    """
    contexts = []
    request.node.e2e_pages = []

    def open_page(viewport=None, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="en-US",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        request.node.e2e_pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in_as(live_server):
    """Logs a page's browser context in as `user` without the login form (a session cookie
    made by Django's test client): for journeys where logging in is not the point."""
    from django.conf import settings
    from django.test import Client

    def log_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return log_in
