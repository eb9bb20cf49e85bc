"""Finance in a real browser, fed by the ERP through its API: payments and a schedule come in,
the partner's accountant sees the calendar with the overdue line marked, asks for a
reconciliation act, the ERP takes the request and uploads the act, the accountant downloads it.
The interface is Russian, as the partner sees it."""

import base64
import datetime
import json
import os
import re
import urllib.request

from playwright.sync_api import Page, expect

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import PASSWORD, UserFactory
from kabinet.api.erp import RESOURCE_NAMES
from kabinet.api.services import api_token_create
from kabinet.finance.models import ReconciliationRequest, ReconciliationStatus
from kabinet.finance.tests.factories import PDF, finance_make

PHONE = {"width": 390, "height": 844}
# Set to a folder (docs/img) to refresh the user guide's pictures from this journey.
SCREENSHOTS = os.environ.get("KABINET_E2E_SCREENSHOTS")


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


class Erp:
    """The accounting system: JSON over HTTP to the live server with its Bearer token."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        issued = api_token_create(
            name="1С:Бухгалтерия",
            resources=["payments", "schedule", "reconciliation"],
            known=RESOURCE_NAMES,
        )
        self.key = issued.key

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.base_url}/api/erp/v1{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")


def test_the_erp_feeds_finance_and_the_accountant_gets_the_act(
    page: Page, live_server, partner, settings, tmp_path
):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    accountant = UserFactory(
        partner=partner,
        email="buh@alpha.example",
        full_name="Бухгалтер Альфы",
        sections=[Section.ORDERS, Section.FINANCE],
    )
    head = partner.counterparties.get(name="Alpha Pharmacy head")
    agreement = head.agreements.get()
    today = datetime.date.today()  # noqa: DTZ011 - the live server's local date
    day = datetime.timedelta(days=1)
    erp = Erp(live_server.url)

    answer = erp.call(
        "POST",
        "/payments",
        {
            "items": [
                {
                    "ext_id": "pay-1",
                    "number": "481",
                    "date": (today - 20 * day).isoformat(),
                    "counterparty_ext_id": head.ext_id,
                    "agreement_ext_id": agreement.ext_id,
                    "purpose": "Оплата по счёту № 77",
                    "amount": "15000.00",
                }
            ]
        },
    )
    assert answer["created"] == 1
    answer = erp.call(
        "POST",
        "/schedule",
        {
            "items": [
                {
                    "ext_id": f"due-{n}",
                    "counterparty_ext_id": head.ext_id,
                    "agreement_ext_id": agreement.ext_id,
                    "document": f"Реализация УТ-{n}",
                    "due_date": (today + offset * day).isoformat(),
                    "amount": "1000.00",
                }
                for n, offset in ((1, -7), (2, 0), (3, 14))
            ]
        },
    )
    assert answer["created"] == 3

    page.goto("/account/login/")
    page.locator("input[name=username]").fill(accountant.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_test_id("menu").get_by_role("link", name="Платёжный календарь").click()

    overdue = page.get_by_test_id("calendar-overdue")
    expect(overdue).to_contain_text("Просрочено")
    expect(overdue.get_by_test_id("schedule-row")).to_have_count(1)
    expect(overdue.get_by_test_id("schedule-row")).to_contain_text("Реализация УТ-1")
    expect(overdue.get_by_test_id("schedule-row")).to_have_class(re.compile("table-danger"))
    expect(page.get_by_test_id("calendar-today").get_by_test_id("schedule-row")).to_contain_text(
        "Реализация УТ-2"
    )
    expect(page.get_by_test_id("calendar-upcoming").get_by_test_id("schedule-row")).to_contain_text(
        "Реализация УТ-3"
    )
    shoot(page, "finance-calendar")

    page.get_by_test_id("finance-nav").get_by_role("link", name="Платёжные документы").click()
    expect(page.get_by_test_id("payment-row")).to_contain_text("481")

    page.get_by_test_id("finance-nav").get_by_role("link", name="Акты сверки").click()
    form = page.get_by_test_id("act-form")
    form.locator("select[name=counterparty]").select_option(str(head.pk))
    form.locator("input[name=period_from]").fill(f"{today.year - 1}-01-01")
    form.locator("input[name=period_to]").fill(f"{today.year - 1}-12-31")
    form.locator("input[name=with_stamp]").check()
    page.get_by_test_id("act-request").click()
    expect(page.get_by_test_id("act-row")).to_have_count(1)
    expect(page.get_by_test_id("act-status")).to_have_text("Запрошен")

    requested = erp.call("GET", "/reconciliation-requests?status=requested")["items"]
    assert [(r["counterparty_ext_id"], r["with_stamp"]) for r in requested] == [(head.ext_id, True)]
    erp.call("POST", f"/reconciliation-requests/{requested[0]['id']}/take")
    erp.call(
        "POST",
        f"/reconciliation-requests/{requested[0]['id']}/act-base64",
        {"content_base64": base64.b64encode(PDF).decode()},
    )

    page.reload()
    expect(page.get_by_test_id("act-status")).to_have_text("Готов")
    with page.expect_download() as download_info:
        page.get_by_test_id("act-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert open(download.path(), "rb").read() == PDF  # noqa: SIM115
    assert ReconciliationRequest.objects.get().status == ReconciliationStatus.READY
    shoot(page, "finance-acts")
    page.goto("/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text("Акт сверки готов")


def test_finance_pages_fit_a_phone(new_page, log_in_as, partner, settings, tmp_path):
    """At 390 px nothing scrolls sideways: the tables turn into cards."""
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    finance_make(partner)
    accountant = UserFactory(partner=partner, sections=[Section.FINANCE])
    page = new_page(viewport=PHONE)
    log_in_as(page, accountant)
    for path in ("/finance/calendar/", "/finance/report/", "/finance/payments/", "/finance/acts/"):
        page.goto(path)
        expect(page.get_by_test_id("finance-nav")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide"
    page.goto("/finance/calendar/")
    overdue = page.get_by_test_id("calendar-overdue").get_by_test_id("schedule-row")
    expect(overdue).to_be_visible()
    shoot(page, "finance-calendar-mobile")
