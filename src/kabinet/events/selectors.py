"""Reads of events and news for a partner user: only what their partner's audience allows.

An event or news item the partner may not see answers 404 exactly like a missing one;
registrations are only ever those of the user's own partner.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.models import User
from kabinet.accounts.scope import Scope, scope_for
from kabinet.events.models import (
    Audience,
    CalendarFeed,
    Event,
    News,
    NewsRead,
    PartnerGroup,
    Registration,
    RegistrationStatus,
)

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
FEED_PAST_DAYS = 90


def audience_q(model, partner_id: int) -> Q:
    """Rows of `model` (Event or News) addressed to everyone or to this partner.

    Subqueries rather than joins: no duplicates, no DISTINCT, so the result can be locked.
    """
    chosen = model.partners.through.objects.filter(partner_id=partner_id)
    grouped = model.groups.through.objects.filter(
        partnergroup__in=PartnerGroup.partners.through.objects.filter(partner_id=partner_id).values(
            "partnergroup_id"
        )
    )
    field = f"{model._meta.model_name}_id"
    return Q(audience=Audience.ALL) | (
        Q(audience=Audience.SELECTED)
        & (Q(pk__in=chosen.values(field)) | Q(pk__in=grouped.values(field)))
    )


def event_qs(scope: Scope) -> QuerySet[Event]:
    return Event.objects.filter(audience_q(Event, scope.partner_id), is_published=True)


def _with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
        ),
    )


def _own_registrations(scope: Scope) -> Prefetch:
    return Prefetch(
        "registrations",
        queryset=Registration.objects.filter(partner_id=scope.partner_id, status__in=ACTIVE)
        .select_related("user")
        .order_by("queued_at", "pk"),
        to_attr="own_registrations",
    )


def event_list(*, scope: Scope, kind: str = "", past: bool = False) -> list[Event]:
    """Upcoming (still running or to come, soonest first) or past events (latest first), with
    seat counts and the registrations of the user's own partner (three queries)."""
    now = timezone.now()
    events = event_qs(scope)
    if kind:
        events = events.filter(kind=kind)
    if past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return list(_with_seats(events).prefetch_related(_own_registrations(scope)))


@dataclass(frozen=True)
class Day:
    date: date
    in_month: bool
    events: list[Event]


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    previous: date
    next: date

    @property
    def days_with_events(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month and day.events]


def event_month(*, scope: Scope, year: int, month: int, kind: str = "") -> Month:
    """A month calendar (weeks from Monday) with the events on each day they run."""
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = _local_midnight(weeks_dates[0][0])
    end = _local_midnight(weeks_dates[-1][-1] + timedelta(days=1))
    events = event_qs(scope).filter(starts_at__lt=end, ends_at__gte=start)
    if kind:
        events = events.filter(kind=kind)
    events = list(events.order_by("starts_at", "pk").prefetch_related(_own_registrations(scope)))
    by_day: dict[date, list[Event]] = {}
    for event in events:
        day = timezone.localtime(event.starts_at).date()
        last = timezone.localtime(event.ends_at).date()
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    first = date(year, month, 1)
    return Month(
        first=first,
        weeks=[
            [Day(date=d, in_month=d.month == month, events=by_day.get(d, [])) for d in week]
            for week in weeks_dates
        ],
        previous=(first - timedelta(days=1)).replace(day=1),
        next=(first + timedelta(days=32)).replace(day=1),
    )


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def event_get(*, scope: Scope, event_id: int) -> Event:
    """One event the partner may see, with seat counts and its own registrations; else 404."""
    event = (
        _with_seats(event_qs(scope).filter(pk=event_id))
        .prefetch_related(_own_registrations(scope))
        .first()
    )
    if event is None:
        raise Http404
    return event


def colleagues(*, scope: Scope) -> list[User]:
    """The active people of the user's partner, who may be registered for an event."""
    return list(
        User.objects.filter(partner_id=scope.partner_id, is_active=True).order_by(
            "full_name", "email", "pk"
        )
    )


def registration_get(*, scope: Scope, registration_id: int) -> Registration:
    registration = (
        Registration.objects.filter(pk=registration_id, partner_id=scope.partner_id)
        .select_related("event", "user")
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def registration_may_cancel(scope: Scope, registration: Registration) -> bool:
    """The participant, who registered them, and the partner's administrators may cancel."""
    return scope.is_admin or scope.user.pk in (registration.user_id, registration.registered_by_id)


def calendar_feed_get(*, scope: Scope) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=scope.user).first()


def feed_scope(*, token: str) -> Scope:
    """The scope behind a calendar feed token; 404 for an unknown token, a blocked user or
    partner (the token is the only credential)."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user__partner").first()
    scope = scope_for(feed.user) if feed is not None else None
    if scope is None:
        raise Http404
    return scope


def feed_events(*, scope: Scope) -> list[tuple[Event, Registration | None]]:
    """What the user's calendar shows: the events they are registered for (or waiting), and
    the events of their audience still open for registration; the last 90 days too."""
    now = timezone.now()
    mine = {
        r.event_id: r
        for r in Registration.objects.filter(user=scope.user, status__in=ACTIVE).only(
            "event_id", "status"
        )
    }
    open_q = Q(registration_deadline__gt=now) | Q(
        registration_deadline__isnull=True, starts_at__gt=now
    )
    events = event_qs(scope).filter(
        Q(pk__in=list(mine)) | open_q, ends_at__gte=now - timedelta(days=FEED_PAST_DAYS)
    )
    return [(event, mine.get(event.pk)) for event in events.order_by("starts_at", "pk")]


def news_qs(scope: Scope) -> QuerySet[News]:
    return (
        News.objects.filter(
            audience_q(News, scope.partner_id),
            is_published=True,
            published_at__lte=timezone.now(),
        )
        .defer("image")
        .annotate(
            is_read=Exists(NewsRead.objects.filter(news=OuterRef("pk"), user=scope.user)),
        )
    )


def news_list(*, scope: Scope, page: int = 1, per_page: int = 20) -> Page:
    return Paginator(news_qs(scope).order_by("-published_at", "-pk"), per_page).get_page(page)


def news_unread_latest(*, scope: Scope, limit: int = 3) -> list[News]:
    """The newest news the user has not opened yet (the home page's slot), one query."""
    return list(news_qs(scope).filter(is_read=False).order_by("-published_at", "-pk")[:limit])


def news_get(*, scope: Scope, news_id: int) -> News:
    news = news_qs(scope).filter(pk=news_id).first()
    if news is None:
        raise Http404
    return news


def news_image(*, scope: Scope, news_id: int) -> tuple[bytes, str]:
    """The picture of a news item the user may see; 404 otherwise or when it has none."""
    row = (
        news_qs(scope)
        .filter(pk=news_id)
        .exclude(image_type="")
        .values_list("image", "image_type")
        .first()
    )
    if row is None or row[0] is None:
        raise Http404
    return bytes(row[0]), row[1]
