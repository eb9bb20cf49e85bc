"""Event and news pages (I1, I5): list, month calendar, event page with registration, .ics
files, the private calendar feed; news list and page, news pictures.

Events and news are the supplier's word to everyone at a partner, like the home page and the
notifications: any employee may open them (no section). The calendar feed is the one public
route: the random token in its address is the credential.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kabinet.accounts.access import partner_view, public_view
from kabinet.events import ics, selectors, services
from kabinet.events.models import EventKind, RegistrationStatus


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in EventKind.values else ""


def _month(request) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@partner_view()
def event_list(request):
    kind, past = _kind(request), request.GET.get("period") == "past"
    return render(
        request,
        "events/list.html",
        {
            "events": selectors.event_list(scope=request.scope, kind=kind, past=past),
            "kinds": EventKind.choices,
            "kind": kind,
            "past": past,
            "feed": selectors.calendar_feed_get(scope=request.scope),
        },
    )


@partner_view()
def event_calendar(request):
    kind, first = _kind(request), _month(request)
    month = selectors.event_month(
        scope=request.scope, year=first.year, month=first.month, kind=kind
    )
    return render(
        request,
        "events/calendar.html",
        {"month": month, "kinds": EventKind.choices, "kind": kind, "today": timezone.localdate()},
    )


@partner_view()
def event_detail(request, event_id: int):
    event = selectors.event_get(scope=request.scope, event_id=event_id)
    registered = {r.user_id for r in event.own_registrations}
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "colleagues": [
                c for c in selectors.colleagues(scope=request.scope) if c.pk not in registered
            ],
            "registration_open": event.registration_open(),
            "is_over": event.ends_at <= timezone.now(),
            "seats_left": None
            if event.capacity is None
            else max(0, event.capacity - event.confirmed_count),
            "may_cancel": {
                r.pk
                for r in event.own_registrations
                if selectors.registration_may_cancel(request.scope, r)
            },
            "Status": RegistrationStatus,
        },
    )


@partner_view()
@require_POST
def event_register(request, event_id: int):
    try:
        user_ids = [int(value) for value in request.POST.getlist("participant")]
    except ValueError:
        raise Http404 from None
    try:
        made = services.registration_create(
            scope=request.scope, event_id=event_id, user_ids=user_ids
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:detail", event_id=event_id)
    waiting = sum(r.status == RegistrationStatus.WAITING for r in made)
    confirmed = len(made) - waiting
    if confirmed:
        messages.success(
            request,
            ngettext("%(count)d person registered.", "%(count)d people registered.", confirmed)
            % {"count": confirmed},
        )
    if waiting:
        messages.warning(
            request,
            ngettext(
                "No seats left: %(count)d person is on the waiting list.",
                "No seats left: %(count)d people are on the waiting list.",
                waiting,
            )
            % {"count": waiting},
        )
    if not made:
        messages.info(request, _("Everyone chosen is already registered."))
    return redirect("events:detail", event_id=event_id)


@partner_view()
@require_POST
def registration_cancel(request, registration_id: int):
    try:
        registration = services.registration_cancel(
            scope=request.scope, registration_id=registration_id
        )
    except ValidationError as error:
        registration = selectors.registration_get(
            scope=request.scope, registration_id=registration_id
        )
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("events:detail", event_id=registration.event_id)


@partner_view()
def event_ics(request, event_id: int):
    event = selectors.event_get(scope=request.scope, event_id=event_id)
    response = HttpResponse(ics.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@partner_view()
@require_POST
def calendar_feed_renew(request):
    services.calendar_feed_renew(scope=request.scope)
    messages.success(
        request, _("Your calendar address is ready. A previous address no longer works.")
    )
    return redirect("events:list")


@partner_view()
@require_POST
def calendar_feed_revoke(request):
    services.calendar_feed_revoke(scope=request.scope)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("events:list")


@public_view
def calendar_feed(request, token: str):
    """The user's events for calendar apps; the token is the credential (404 if unknown)."""
    scope = selectors.feed_scope(token=token)
    response = HttpResponse(
        ics.feed_ics(selectors.feed_events(scope=scope)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@partner_view()
def news_list(request):
    page = selectors.news_list(scope=request.scope, page=_page_number(request))
    return render(request, "events/news_list.html", {"page": page, "news": page.object_list})


@partner_view()
def news_detail(request, news_id: int):
    news = selectors.news_get(scope=request.scope, news_id=news_id)
    services.news_read_mark(scope=request.scope, news_id=news.pk)
    return render(request, "events/news_detail.html", {"news": news})


@partner_view()
@require_POST
def news_read_all(request):
    services.news_read_all(scope=request.scope)
    return redirect("news:list")


@partner_view()
def news_image(request, news_id: int):
    data, content_type = selectors.news_image(scope=request.scope, news_id=news_id)
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
