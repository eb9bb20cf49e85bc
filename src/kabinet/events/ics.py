"""iCalendar (RFC 5545) files: one event, and a user's calendar feed.

Times are written in the portal's time zone (`TIME_ZONE`, Europe/Moscow by default) with its
VTIMEZONE, so calendar apps show the same hours as the portal wherever the user is.
"""

from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kabinet.events.models import Event, Registration
from kabinet.events.models import RegistrationStatus as Status

PRODID = "-//Kabinet//Events//RU"


def _site() -> str:
    return settings.KABINET_SITE_URL.rstrip("/")


def _uid(event: Event) -> str:
    host = _site().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "kabinet"
    return f"event-{event.pk}@{host}"


def _vevent(event: Event, registration: Registration | None = None) -> icalendar.Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    url = _site() + reverse("events:detail", args=[event.pk])
    item = icalendar.Event()
    item.add("uid", _uid(event))
    item.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    summary = event.title
    if registration is not None and registration.status == Status.WAITING:
        waiting = gettext("on the waiting list")
        summary = f"{summary} ({waiting})"
    item.add("summary", summary)
    description = "\n\n".join(part for part in (event.description, event.online_url, url) if part)
    item.add("description", description)
    if event.place or event.online_url:
        item.add("location", event.place or event.online_url)
    item.add("url", url)
    item.add("categories", [event.get_kind_display()])
    item.add("status", "CONFIRMED")
    return item


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def event_ics(event: Event) -> bytes:
    cal = _calendar(event.title)
    cal.add("method", "PUBLISH")
    cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(entries: list[tuple[Event, Registration | None]]) -> bytes:
    cal = _calendar(gettext("%(supplier)s: events") % {"supplier": settings.KABINET_SUPPLIER_NAME})
    for event, registration in entries:
        cal.add_component(_vevent(event, registration))
    cal.add_missing_timezones()
    return cal.to_ical()
