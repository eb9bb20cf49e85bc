"""Events in a real browser, in Russian: a buyer registers for an event and downloads its .ics;
the events pages fit a phone.

`KABINET_DOCS_SCREENSHOTS=DIR` also writes the phone screenshot of the documentation
(`docs/img/events-mobile.png`) and those of the list and the calendar into DIR.
"""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from playwright.sync_api import Page, expect

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.events import services
from kabinet.events.models import Registration, RegistrationStatus
from kabinet.events.tests.factories import EventFactory, NewsFactory

MOSCOW = ZoneInfo("Europe/Moscow")
MOBILE = {"width": 390, "height": 844}
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def url(live_server, path: str) -> re.Pattern:
    return re.compile(re.escape(live_server.url + path) + r"(\?.*)?$")


def next_month_at(day: int, hour: int, minute: int = 0) -> datetime:
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=day)
    return datetime(first.year, first.month, first.day, hour, minute, tzinfo=MOSCOW)


def buyer_make(partner):
    return UserFactory(
        partner=partner,
        email="buyer@alpha.example",
        full_name="Ольга Закупкина",
        sections=["catalog", "orders"],
    )


def test_a_buyer_registers_for_an_event_and_downloads_its_ics(
    page: Page, live_server, partner, log_in_as
):
    buyer = buyer_make(partner)
    starts = next_month_at(12, 11)
    event = EventFactory(
        title="Вебинар: новинки перевязочных материалов",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
        capacity=20,
    )
    EventFactory(title="Выставка «Аптечный салон»", kind="exhibition", place="Крокус Экспо")
    log_in_as(page, buyer)

    page.goto("/events/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Мероприятия")).to_be_visible()
    page.get_by_test_id("event-kinds").get_by_role("link", name="Вебинар").click()
    expect(page.get_by_test_id("events").locator("a")).to_have_count(1)
    page.get_by_role("link", name=event.title).click()
    expect(page).to_have_url(url(live_server, f"/events/{event.pk}/"))
    expect(page.get_by_test_id("event-seats")).to_have_text("занято 0 из 20 мест")

    expect(page.get_by_label("Ольга Закупкина (вы)")).to_be_checked()
    page.get_by_test_id("register").click()
    expect(page.get_by_role("alert")).to_have_text("Зарегистрирован 1 человек.")
    expect(page.get_by_test_id("registrations")).to_contain_text("Ольга Закупкина")
    expect(page.get_by_test_id("registrations")).to_contain_text("Зарегистрирован")
    expect(page.get_by_test_id("event-seats")).to_have_text("занято 1 из 20 мест")
    assert Registration.objects.get(event=event).status == RegistrationStatus.CONFIRMED

    with page.expect_download() as download_info:
        page.get_by_test_id("event-ics").click()
    download = download_info.value
    assert download.suggested_filename == f"event-{event.pk}.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    [item] = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == event.title
    assert item["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert item.decoded("DTSTART") == starts
    assert item.decoded("DTEND") == starts + timedelta(hours=1, minutes=30)


def assert_fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the page is {width}px wide on a {MOBILE['width']}px screen"


def test_the_events_pages_fit_a_phone(new_page, live_server, partner, log_in_as):
    partner.name = "Аптечная сеть «Здоровье»"
    partner.save()
    for number, counterparty in enumerate(partner.counterparties.order_by("pk")):
        counterparty.name = "ООО «Здоровье»" if number == 0 else f"ООО «Здоровье-{number}»"
        counterparty.save()
        counterparty.agreements.update(name=f"Договор поставки № {101 + number}/26")
    buyer = buyer_make(partner)
    colleagues = [
        UserFactory(partner=partner, full_name=name)
        for name in ("Иван Складской", "Мария Провизорова", "Пётр Заведующий")
    ]
    starts = next_month_at(9, 10)
    full = EventFactory(
        title="Обучение: хранение и учёт изделий медицинского назначения",
        kind="training",
        online_url="",
        place="Москва, ул. Летниковская, д. 10, учебный класс",
        starts_at=starts,
        ends_at=starts + timedelta(hours=7),
        capacity=2,
        description="Очный семинар для заведующих складом и провизоров.",
    )
    services.registration_create(
        scope=scope_for(colleagues[0]),
        event_id=full.pk,
        user_ids=[c.pk for c in colleagues],
    )
    EventFactory(
        title="Вебинар: работа с личным кабинетом",
        starts_at=next_month_at(3, 11),
        ends_at=next_month_at(3, 12),
    )
    EventFactory(
        title="Выставка «Аптечный салон»",
        kind="exhibition",
        online_url="",
        place="Москва, МВЦ «Крокус Экспо», павильон 3",
        starts_at=next_month_at(24, 10),
        ends_at=next_month_at(26, 18),
    )
    NewsFactory(title="Новые цены на шприцы с 1-го числа")
    page = new_page(viewport=MOBILE, has_touch=True, is_mobile=True)
    log_in_as(page, buyer)

    shots = os.environ.get("KABINET_DOCS_SCREENSHOTS")
    page.goto("/events/")
    expect(page.get_by_test_id("events").locator("a")).to_have_count(3)
    assert_fits(page)
    if shots:
        page.screenshot(path=f"{shots}/events-list.png", full_page=True)
    page.goto(f"/events/calendar/?month={starts:%Y-%m}")
    expect(page.get_by_test_id("calendar")).to_be_hidden()
    expect(page.get_by_test_id("agenda").locator("li")).to_have_count(5)
    assert_fits(page)
    if shots:
        page.screenshot(path=f"{shots}/events-calendar.png", full_page=True)
    page.goto(f"/events/{full.pk}/")
    expect(page.get_by_test_id("register")).to_have_text("Встать в лист ожидания")
    assert_fits(page)
    if shots:
        page.screenshot(path=str(DOCS_IMG / "events-mobile.png"), full_page=True)
    page.goto("/news/")
    assert_fits(page)
