"""The .ics of an event and the private calendar feed, read back with icalendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.events import services
from kabinet.events.models import CalendarFeed
from kabinet.events.tests.factories import EventFactory

MOSCOW = ZoneInfo("Europe/Moscow")


def vevents(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_the_ics_of_an_event_carries_moscow_times(buyer):
    event = EventFactory(
        title="Вебинар: новые шприцы",
        starts_at=datetime(2030, 3, 10, 11, 0, tzinfo=MOSCOW),
        ends_at=datetime(2030, 3, 10, 12, 30, tzinfo=MOSCOW),
        place="",
        online_url="https://meet.example/syringes",
    )
    response = client_for(buyer).get(f"/events/{event.pk}/ics/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    [item] = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Вебинар: новые шприцы"
    start, end = item.decoded("DTSTART"), item.decoded("DTEND")
    assert start == datetime(2030, 3, 10, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert (start.astimezone(MOSCOW).hour, end.astimezone(MOSCOW).hour) == (11, 12)
    assert item["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert b"DTSTART;TZID=Europe/Moscow:20300310T110000" in response.content
    assert b"DTEND;TZID=Europe/Moscow:20300310T123000" in response.content
    assert str(item["LOCATION"]) == "https://meet.example/syringes"
    assert str(item["URL"]).endswith(f"/events/{event.pk}/")
    assert str(item["UID"]) == f"event-{event.pk}@127.0.0.1"


def test_the_ics_of_an_event_for_another_partner_is_not_found(buyer, other_partner):
    event = EventFactory(for_partners=[other_partner])
    assert client_for(buyer).get(f"/events/{event.pk}/ics/").status_code == 404


@pytest.fixture
def feed_events(buyer, partner, other_partner):
    now = timezone.now()
    registered = EventFactory(
        title="Registered, registration closed",
        starts_at=datetime(2030, 5, 20, 10, 0, tzinfo=MOSCOW),
        ends_at=datetime(2030, 5, 22, 18, 0, tzinfo=MOSCOW),
        capacity=5,
        for_partners=[partner],
    )
    services.registration_create(scope=scope_for(buyer), event_id=registered.pk)
    registered.registration_deadline = now - timedelta(hours=1)
    registered.save()
    return {
        "registered": registered,
        "open": EventFactory(title="Open for registration"),
        "closed": EventFactory(
            title="Closed, not registered", registration_deadline=now - timedelta(hours=1)
        ),
        "foreign": EventFactory(title="For another partner", for_partners=[other_partner]),
        "draft": EventFactory(title="Not published", is_published=False),
    }


def test_the_feed_lists_my_registrations_and_the_open_events_of_my_audience(buyer, feed_events):
    feed = services.calendar_feed_renew(scope=scope_for(buyer))
    response = Client().get(f"/events/feed/{feed.token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    items = {str(item["SUMMARY"]): item for item in vevents(response.content)}
    assert sorted(items) == ["Open for registration", "Registered, registration closed"]
    registered = items["Registered, registration closed"]
    assert registered.decoded("DTSTART") == datetime(2030, 5, 20, 10, 0, tzinfo=MOSCOW)
    assert registered.decoded("DTEND") == datetime(2030, 5, 22, 18, 0, tzinfo=MOSCOW)
    assert registered["DTSTART"].params["TZID"] == "Europe/Moscow"


def test_a_renewed_or_revoked_feed_address_stops_working(buyer, feed_events):
    old = services.calendar_feed_renew(scope=scope_for(buyer)).token
    new = services.calendar_feed_renew(scope=scope_for(buyer)).token
    assert old != new
    assert len(new) >= 40
    assert Client().get(f"/events/feed/{old}.ics").status_code == 404
    assert Client().get(f"/events/feed/{new}.ics").status_code == 200
    services.calendar_feed_revoke(scope=scope_for(buyer))
    assert Client().get(f"/events/feed/{new}.ics").status_code == 404
    assert CalendarFeed.objects.count() == 0


def test_the_feed_of_a_blocked_user_or_partner_is_not_found(buyer, feed_events):
    token = services.calendar_feed_renew(scope=scope_for(buyer)).token
    buyer.partner.is_active = False
    buyer.partner.save()
    assert Client().get(f"/events/feed/{token}.ics").status_code == 404
    buyer.partner.is_active = True
    buyer.partner.save()
    buyer.is_active = False
    buyer.save()
    assert Client().get(f"/events/feed/{token}.ics").status_code == 404


def test_the_feed_address_is_made_and_turned_off_from_the_events_page(buyer):
    client = client_for(buyer)
    assert client.post("/events/feed/renew/").status_code == 302
    token = CalendarFeed.objects.get(user=buyer).token
    page = client.get("/events/").content.decode()
    assert f"/events/feed/{token}.ics" in page
    assert client.post("/events/feed/revoke/").status_code == 302
    assert not CalendarFeed.objects.filter(user=buyer).exists()


def test_the_feed_says_when_i_am_on_the_waiting_list(buyer, colleague):
    event = EventFactory(title="Full training", capacity=1)
    services.registration_create(scope=scope_for(colleague), event_id=event.pk)
    services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    feed = services.calendar_feed_renew(scope=scope_for(buyer))
    [item] = vevents(Client().get(f"/events/feed/{feed.token}.ics").content)
    assert str(item["SUMMARY"]) == "Full training (в листе ожидания)"
