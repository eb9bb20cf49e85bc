"""What participants are told about events, through the portal's notification service
(`comms.services.notify_users`: in-app, e-mail, SMS), each in their own language.

- registered or put on the waiting list (by themselves or a colleague): in-app and a letter;
- cancelled by a colleague or an administrator: in-app and a letter;
- a seat freed up for them on the waiting list: in-app, a letter and an SMS;
- a day before the event: in-app, a letter and an SMS.

Called after commit by `events.services`; a failing mail server or SMS gateway is logged there.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from kabinet.comms.services import Message, notify_users, user_language
from kabinet.events.models import Event, Registration
from kabinet.events.models import RegistrationStatus as Status


def event_when(event: Event) -> str:
    """'12 December 2026, 11:00 – 12:30' in the portal's time zone and the active language."""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    start = formats.date_format(starts, "DATETIME_FORMAT")
    if starts.date() == ends.date():
        return f"{start} – {formats.time_format(ends, 'TIME_FORMAT')}"
    return f"{start} – {formats.date_format(ends, 'DATETIME_FORMAT')}"


def _message(registration: Registration, headline_of, *, sms: bool, by: str = "") -> Message:
    user, event = registration.user, registration.event
    with translation.override(user_language(user)):
        headline = headline_of(registration)
        when = event_when(event)
        url = settings.KABINET_SITE_URL.rstrip("/") + reverse("events:detail", args=[event.pk])
        context = {
            "user": user,
            "event": event,
            "headline": headline,
            "when": when,
            "url": url,
            "by": by,
            "supplier": settings.KABINET_SUPPLIER_NAME,
        }
        return Message(
            user=user,
            title=f"{headline}: {event.title}",
            body=when,
            letter=render_to_string("events/email/event.txt", context),
            sms=f"{settings.KABINET_SUPPLIER_NAME}: {headline}: {event.title}, {when}. {url}"
            if sms
            else "",
        )


def _registrations(ids: list[int]) -> list[Registration]:
    if not ids:
        return []
    return list(
        Registration.objects.filter(pk__in=ids, user__is_active=True)
        .select_related("event", "user", "registered_by")
        .order_by("pk")
    )


def _registered_headline(registration: Registration) -> str:
    if registration.status == Status.WAITING:
        return gettext("You are on the waiting list")
    return gettext("You are registered")


def registrations_made(*, registration_ids: list[int]) -> None:
    messages = []
    for r in _registrations(registration_ids):
        by = str(r.registered_by) if r.registered_by_id not in (None, r.user_id) else ""
        messages.append(_message(r, _registered_headline, sms=False, by=by))
    notify_users(messages=messages)


def registration_cancelled(*, registration_id: int) -> None:
    notify_users(
        messages=[
            _message(r, lambda _r: gettext("Your registration is cancelled"), sms=False)
            for r in _registrations([registration_id])
        ]
    )


def registrations_promoted(*, registration_ids: list[int]) -> None:
    notify_users(
        messages=[
            _message(r, lambda _r: gettext("A seat is free, you are registered"), sms=True)
            for r in _registrations(registration_ids)
        ]
    )


def reminders(*, registration_ids: list[int]) -> None:
    notify_users(
        messages=[
            _message(r, lambda _r: gettext("Reminder"), sms=True)
            for r in _registrations(registration_ids)
        ]
    )
