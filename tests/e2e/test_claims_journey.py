"""Messages and claims in a real browser, in Russian, on a 390 px phone for the buyer.

The buyer opens a claim with a photo from a shipped order; the manager answers on the staff
page and moves the claim on; the buyer sees the answer and the status change. With
KABINET_DOCS_SCREENSHOTS=1 the phone pages are saved as docs/img/claim-mobile.png and
docs/img/messages-mobile.png.
"""

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import PASSWORD, UserFactory
from kabinet.conversations import services
from kabinet.conversations.demo import demo_photo
from kabinet.conversations.tests.factories import manager_for, shipped_order_make
from tests.e2e.test_accounts_journeys import log_in, url

PHONE = {"width": 390, "height": 844}
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def docs_screenshot(page: Page, name: str) -> None:
    if os.environ.get("KABINET_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(DOCS_IMG / name), full_page=True)


def test_buyer_claims_with_a_photo_and_sees_the_managers_answer(new_page, live_server, partner):
    buyer = UserFactory(
        partner=partner,
        email="buyer@alpha.example",
        full_name="Ирина Закупкина",
        sections=[Section.CATALOG, Section.ORDERS],
    )
    manager = manager_for(partner, email="manager@supplier.example")
    manager.full_name = "Олег Менеджеров"
    manager.save()
    order = shipped_order_make(partner, author=buyer, quantity="10")
    general = services.conversation_start(
        scope=scope_for(buyer), order=None, text="Когда будет поставка перчаток размера M?"
    ).conversation
    services.message_send(
        conversation=general,
        author=manager,
        text="Здравствуйте! В четверг, 20 коробок уже зарезервированы за вами.",
        from_staff=True,
    )

    # The buyer, on a phone: the order page → "Открыть рекламацию".
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, buyer.email, PASSWORD)
    expect(phone).to_have_url(url(live_server, "/"))
    expect(phone.get_by_test_id("messages-badge")).to_contain_text("1")
    phone.goto(f"/messages/{general.pk}/")
    expect(phone.get_by_test_id("message-text").last).to_contain_text("20 коробок")
    fits_the_phone(phone)
    docs_screenshot(phone, "messages-mobile.png")

    phone.goto(f"/orders/{order.pk}/")
    phone.get_by_test_id("open-claim").click()
    expect(phone).to_have_url(url(live_server, f"/claims/new/{order.pk}/"))
    expect(phone.locator("h1")).to_have_text(f"Рекламация по заказу {order.number}")
    fits_the_phone(phone)
    phone.get_by_test_id("claim-line").first.locator("input").fill("2")
    phone.locator("select[name=reason]").select_option(label="Брак")
    phone.locator("textarea[name=description]").fill("Две упаковки с трещинами на корпусе.")
    phone.locator("input[name=files]").set_input_files(
        [{"name": "трещина.jpg", "mimeType": "image/jpeg", "buffer": demo_photo(1)}]
    )
    phone.get_by_test_id("claim-submit").click()

    expect(phone).to_have_url(re.compile(r"/claims/\d+/$"))
    claim_path = phone.url.removeprefix(live_server.url)
    expect(phone.get_by_test_id("claim-status")).to_have_text("Новая")
    expect(phone.get_by_test_id("attachment-image")).to_have_count(1)
    thumbnail = phone.get_by_test_id("attachment-image").locator("img")
    expect(thumbnail).to_be_visible()
    # Visible is not loaded: wait until the browser has decoded the thumbnail (a broken image
    # never gets there, and the wait fails).
    phone.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )

    # The manager, at the desk: the staff page of claims → the claim → answer and status.
    desk = new_page()
    log_in(desk, manager.email, PASSWORD)
    desk.goto("/staff/claims/")
    desk.get_by_test_id("claim").first.click()
    expect(desk).to_have_url(url(live_server, "/staff" + claim_path))
    expect(desk.get_by_test_id("attachment-image")).to_have_count(1)
    desk.locator("select[name=status]").select_option(label="На рассмотрении")
    desk.locator("textarea[name=comment]").fill("Передали в отдел качества.")
    desk.get_by_test_id("claim-status-submit").click()
    expect(desk.get_by_test_id("claim-status")).to_have_text("На рассмотрении")
    desk.locator("textarea[name=text]").fill(
        "Пришлите, пожалуйста, фото этикетки с номером партии."
    )
    desk.get_by_test_id("send").click()
    expect(desk.get_by_test_id("message-text").last).to_contain_text("фото этикетки")

    # The buyer sees the unread answer, then the answer and the status change on the claim.
    phone.goto("/messages/")
    expect(phone.get_by_test_id("messages-badge")).to_contain_text("1")
    expect(phone.get_by_test_id("conversation").first.get_by_test_id("unread")).to_have_text("1")
    fits_the_phone(phone)
    phone.goto("/claims/")
    expect(phone.get_by_test_id("claim")).to_have_count(1)
    fits_the_phone(phone)
    phone.goto(claim_path)
    expect(phone.get_by_test_id("claim-status")).to_have_text("На рассмотрении")
    expect(phone.get_by_test_id("claim-history")).to_contain_text("Передали в отдел качества.")
    expect(phone.get_by_test_id("claim-history")).to_contain_text("Олег Менеджеров")
    expect(phone.get_by_test_id("message-text").last).to_contain_text("фото этикетки")
    fits_the_phone(phone)
    docs_screenshot(phone, "claim-mobile.png")
