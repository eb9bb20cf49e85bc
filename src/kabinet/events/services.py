"""Writes for events and news: registrations and the waiting list, reminders, calendar feeds,
read marks, news pictures.

Seats: every change of an event's registrations first locks the event's row
(`select_for_update`), so two people taking the last seat at once are serialised on
PostgreSQL — one gets it, the other goes on the waiting list. (SQLite ignores the row lock but
runs each write transaction alone: `transaction_mode` IMMEDIATE.) A freed seat goes to the
first person on the waiting list in the same transaction. Notifications leave after commit.
"""

import io
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kabinet.accounts.models import User
from kabinet.accounts.scope import Scope
from kabinet.events import notifications, selectors
from kabinet.events.models import CalendarFeed, Event, News, NewsRead, Registration
from kabinet.events.models import RegistrationStatus as Status

REGISTRATION_CLOSED = _("Registration for this event is closed.")
EVENT_OVER = _("The event is over: its registrations can no longer be changed.")
NOBODY_CHOSEN = _("Choose who to register.")
NOT_A_COLLEAGUE = _("Only active employees of your company can be registered.")
CANNOT_CANCEL = _(
    "Only the participant, the person who registered them or an administrator can cancel."
)
IMAGE_UNREADABLE = _("The picture is not an image Kabinet can read (JPEG, PNG, WebP, GIF).")
IMAGE_TOO_BIG = _("The picture is too big: at most %(mb)s MB and %(mpx)s megapixels.")

IMAGE_MAX_BYTES = 15 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 1600
REMINDER_AHEAD = timedelta(days=1)


def _locked_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


@transaction.atomic
def registration_create(
    *, scope: Scope, event_id: int, user_ids: list[int] | None = None
) -> list[Registration]:
    """Register the acting user (`user_ids` None), or the colleagues given, for an event of
    their audience.

    Each person gets a seat while seats remain, then a place on the waiting list; someone
    already registered or waiting keeps their place. Returns the registrations made.
    """
    event = selectors.event_qs(scope).select_for_update().filter(pk=event_id).first()
    if event is None:
        raise Http404
    now = timezone.now()
    if not event.registration_open(now):
        raise ValidationError(REGISTRATION_CLOSED)
    wanted = list(dict.fromkeys([scope.user.pk] if user_ids is None else user_ids))
    if not wanted:
        raise ValidationError(NOBODY_CHOSEN)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=wanted, partner_id=scope.partner_id, is_active=True)
    }
    if len(users) != len(wanted):
        raise ValidationError(NOT_A_COLLEAGUE)
    existing = {r.user_id: r for r in Registration.objects.filter(event=event, user_id__in=wanted)}
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    made = []
    for user_id in wanted:
        registration = existing.get(user_id) or Registration(
            event=event, user=users[user_id], partner_id=scope.partner_id
        )
        if registration.pk and registration.status != Status.CANCELLED:
            continue
        seat_free = event.capacity is None or confirmed < event.capacity
        registration.status = Status.CONFIRMED if seat_free else Status.WAITING
        confirmed += 1 if seat_free else 0
        registration.registered_by = scope.user
        registration.queued_at = now
        registration.cancelled_at = None
        registration.reminded_at = None
        registration.save()
        made.append(registration)
    ids = [r.pk for r in made]
    transaction.on_commit(lambda: notifications.registrations_made(registration_ids=ids))
    return made


@transaction.atomic
def registration_cancel(*, scope: Scope, registration_id: int) -> Registration:
    """Cancel a registration (or a place on the waiting list) of the user's partner; a freed
    seat goes to the next person waiting. Cancelling twice changes nothing."""
    registration = selectors.registration_get(scope=scope, registration_id=registration_id)
    if not selectors.registration_may_cancel(scope, registration):
        raise PermissionDenied(CANNOT_CANCEL)
    event = _locked_event(registration.event_id)
    registration.refresh_from_db()
    if registration.status == Status.CANCELLED:
        return registration
    now = timezone.now()
    if event.ends_at <= now:
        raise ValidationError(EVENT_OVER)
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = _waitlist_advance(event)
    by_other = registration.user_id != scope.user.pk
    registration_id = registration.pk

    def tell():
        if by_other:
            notifications.registration_cancelled(registration_id=registration_id)
        notifications.registrations_promoted(registration_ids=promoted)

    transaction.on_commit(tell)
    return registration


def _waitlist_advance(event: Event) -> list[int]:
    """Give the free seats of a locked event to the first people waiting; their ids."""
    if event.ends_at <= timezone.now():
        return []
    waiting = Registration.objects.filter(event=event, status=Status.WAITING).order_by(
        "queued_at", "pk"
    )
    if event.capacity is not None:
        confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
        waiting = waiting[: max(0, event.capacity - confirmed)]
    ids = list(waiting.values_list("pk", flat=True))
    if ids:
        Registration.objects.filter(pk__in=ids).update(status=Status.CONFIRMED)
    return ids


@transaction.atomic
def event_waitlist_advance(*, event_id: int) -> list[int]:
    """After the staff change an event (more seats), seat the people waiting and tell them."""
    promoted = _waitlist_advance(_locked_event(event_id))
    transaction.on_commit(lambda: notifications.registrations_promoted(registration_ids=promoted))
    return promoted


def event_reminders_send(*, now=None) -> int:
    """Remind the confirmed participants of events starting within a day; each person once,
    whoever else runs it at the same time (rows are marked before the messages leave)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Registration.objects.select_for_update(skip_locked=True)
            .filter(
                status=Status.CONFIRMED,
                reminded_at__isnull=True,
                event__is_published=True,
                event__starts_at__gt=now,
                event__starts_at__lte=now + REMINDER_AHEAD,
            )
            .values_list("pk", flat=True)
        )
        Registration.objects.filter(pk__in=ids).update(reminded_at=now)
        transaction.on_commit(lambda: notifications.reminders(registration_ids=ids))
    return len(ids)


@transaction.atomic
def calendar_feed_renew(*, scope: Scope) -> CalendarFeed:
    """A new private calendar address for the user; the old one stops working."""
    CalendarFeed.objects.filter(user=scope.user).delete()
    return CalendarFeed.objects.create(user=scope.user)


@transaction.atomic
def calendar_feed_revoke(*, scope: Scope) -> None:
    CalendarFeed.objects.filter(user=scope.user).delete()


def news_read_mark(*, scope: Scope, news_id: int) -> None:
    """The user has opened a news item (idempotent)."""
    news = selectors.news_get(scope=scope, news_id=news_id)
    if not news.is_read:
        NewsRead.objects.get_or_create(news_id=news.pk, user=scope.user)


@transaction.atomic
def news_read_all(*, scope: Scope) -> int:
    unread = list(selectors.news_qs(scope).filter(is_read=False).values_list("pk", flat=True))
    NewsRead.objects.bulk_create(
        [NewsRead(news_id=pk, user=scope.user) for pk in unread], ignore_conflicts=True
    )
    return len(unread)


def image_reencode(upload) -> tuple[bytes, str, int, int]:
    """Decode an uploaded picture and write it anew: EXIF and every other metadata dropped,
    turned upright, at most 1600 px a side; JPEG, or PNG when it has transparency."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            IMAGE_TOO_BIG, params={"mb": IMAGE_MAX_BYTES // 2**20, "mpx": IMAGE_MAX_PIXELS // 10**6}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise ValidationError(
                    IMAGE_TOO_BIG,
                    params={"mb": IMAGE_MAX_BYTES // 2**20, "mpx": IMAGE_MAX_PIXELS // 10**6},
                )
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise ValidationError(IMAGE_UNREADABLE) from error
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    transparent = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if transparent:
        image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    return out.getvalue(), content_type, image.width, image.height


@transaction.atomic
def news_image_set(*, news: News, upload=None) -> News:
    """Put a re-encoded picture on a news item (`upload` None: remove it)."""
    if upload is None:
        news.image, news.image_type, news.image_width, news.image_height = None, "", None, None
    else:
        data, content_type, width, height = image_reencode(upload)
        news.image, news.image_type = data, content_type
        news.image_width, news.image_height = width, height
    news.save(update_fields=["image", "image_type", "image_width", "image_height"])
    return news
