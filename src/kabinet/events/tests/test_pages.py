"""Event pages through HTTP: who sees what, registering and cancelling, the month calendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.events import selectors, services
from kabinet.events.models import Audience, Registration
from kabinet.events.models import RegistrationStatus as Status
from kabinet.events.tests.factories import EventFactory, PartnerGroupFactory

MOSCOW = ZoneInfo("Europe/Moscow")


def titles(events):
    return [e.title for e in events]


def test_a_partner_sees_events_for_all_for_it_and_for_its_groups_only(
    buyer, partner, other_partner
):
    region = PartnerGroupFactory(name="Siberia")
    region.partners.add(partner)
    other_region = PartnerGroupFactory(name="Far East")
    other_region.partners.add(other_partner)
    now = timezone.now()
    EventFactory(title="For all", starts_at=now + timedelta(days=1))
    EventFactory(title="For Alpha", for_partners=[partner], starts_at=now + timedelta(days=2))
    by_region = EventFactory(
        title="For Siberia", audience=Audience.SELECTED, starts_at=now + timedelta(days=3)
    )
    by_region.groups.add(region)
    both = EventFactory(
        title="For Alpha and Far East",
        for_partners=[partner],
        starts_at=now + timedelta(days=4),
    )
    both.groups.add(other_region)
    EventFactory(title="For Omega", for_partners=[other_partner])
    far_east = EventFactory(title="For Far East", audience=Audience.SELECTED)
    far_east.groups.add(other_region)
    EventFactory(title="Draft", is_published=False)
    EventFactory(title="Chosen, nobody", audience=Audience.SELECTED)

    assert titles(selectors.event_list(scope=scope_for(buyer))) == [
        "For all",
        "For Alpha",
        "For Siberia",
        "For Alpha and Far East",
    ]


def test_the_list_filters_by_kind_and_splits_upcoming_from_past(buyer):
    now = timezone.now()
    EventFactory(title="Webinar to come", kind="webinar")
    EventFactory(title="Exhibition to come", kind="exhibition", place="Expocentre")
    EventFactory(
        title="Past training",
        kind="training",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=2),
    )
    client = client_for(buyer)

    page = client.get("/events/", {"kind": "exhibition"}).content.decode()
    assert "Exhibition to come" in page
    assert "Webinar to come" not in page
    page = client.get("/events/", {"period": "past"}).content.decode()
    assert "Past training" in page
    assert "Webinar to come" not in page
    assert client.get("/events/", {"kind": "nonsense"}).status_code == 200


def test_the_month_calendar_puts_an_event_on_each_day_it_runs(buyer):
    EventFactory(
        title="Three-day exhibition",
        kind="exhibition",
        place="Crocus Expo",
        starts_at=datetime(2030, 4, 29, 10, 0, tzinfo=MOSCOW),
        ends_at=datetime(2030, 5, 1, 18, 0, tzinfo=MOSCOW),
    )
    month = selectors.event_month(scope=scope_for(buyer), year=2030, month=4)
    days = {day.date.isoformat(): titles(day.events) for week in month.weeks for day in week}
    assert days["2030-04-28"] == []
    assert (
        days["2030-04-29"] == days["2030-04-30"] == days["2030-05-01"] == ["Three-day exhibition"]
    )
    assert [d.date.isoformat() for d in month.days_with_events] == ["2030-04-29", "2030-04-30"]
    assert (month.previous.isoformat(), month.next.isoformat()) == ("2030-03-01", "2030-05-01")

    page = client_for(buyer).get("/events/calendar/", {"month": "2030-04"}).content.decode()
    assert page.count("Three-day exhibition") == 2 * 3 + 2  # title attr + text per day; agenda
    assert client_for(buyer).get("/events/calendar/", {"month": "bad"}).status_code == 200


def test_registering_myself_and_a_colleague_from_the_event_page(buyer, colleague):
    event = EventFactory(capacity=1)
    client = client_for(buyer)
    response = client.post(
        f"/events/{event.pk}/register/", {"participant": [buyer.pk, colleague.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/"
    assert dict(Registration.objects.values_list("user__email", "status")) == {
        "buyer@alpha.example": Status.CONFIRMED,
        "colleague@alpha.example": Status.WAITING,
    }
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "Alpha Colleague" in page
    assert "В листе ожидания" in page
    assert "занято 1 из 1 мест; в листе ожидания: 1" in page


def test_the_event_page_shows_only_my_partners_registrations(buyer, other_partner):
    event = EventFactory(capacity=10)
    stranger = UserFactory(partner=other_partner, full_name="Omega Stranger")
    services.registration_create(scope=scope_for(stranger), event_id=event.pk)
    page = client_for(buyer).get(f"/events/{event.pk}/").content.decode()
    assert "Omega Stranger" not in page
    assert "Пока никто не зарегистрирован." in page
    assert "занято 1 из 10 мест" in page


def test_cancelling_from_the_event_page(buyer):
    event = EventFactory()
    [registration] = services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    response = client_for(buyer).post(f"/events/registrations/{registration.pk}/cancel/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_a_closed_registration_is_said_on_the_page_and_refused(buyer):
    event = EventFactory(registration_deadline=timezone.now() - timedelta(hours=1))
    client = client_for(buyer)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "Регистрация закрыта." in page
    response = client.post(
        f"/events/{event.pk}/register/", {"participant": [buyer.pk]}, follow=True
    )
    assert "Регистрация на это мероприятие закрыта." in response.content.decode()
    assert Registration.objects.count() == 0


def test_an_event_for_another_partner_is_not_found(buyer, other_partner):
    event = EventFactory(for_partners=[other_partner])
    client = client_for(buyer)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert (
        client.post(f"/events/{event.pk}/register/", {"participant": [buyer.pk]}).status_code == 404
    )


def test_staff_are_not_let_into_the_partner_pages(staff_user):
    assert client_for(staff_user).get("/events/").status_code == 403


def test_registering_nobody_is_refused_with_a_message(buyer):
    event = EventFactory()
    response = client_for(buyer).post(f"/events/{event.pk}/register/", {}, follow=True)
    assert "Выберите, кого зарегистрировать." in response.content.decode()
    assert Registration.objects.count() == 0


def _queries_for(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_events_list_and_calendar_take_as_many_queries_for_many_events(
    buyer, colleague, django_assert_max_num_queries
):
    client = client_for(buyer)
    first = timezone.localdate().replace(day=1) + timedelta(days=40)
    month = f"?month={first:%Y-%m}"

    def events(n):
        for day in range(n):
            event = EventFactory(
                starts_at=datetime(first.year, first.month, day + 1, 10, tzinfo=MOSCOW),
                ends_at=datetime(first.year, first.month, day + 1, 12, tzinfo=MOSCOW),
            )
            services.registration_create(
                scope=scope_for(buyer), event_id=event.pk, user_ids=[buyer.pk, colleague.pk]
            )

    events(2)
    few = [_queries_for(client, path) for path in ("/events/", "/events/calendar/" + month)]
    events(8)
    many = [_queries_for(client, path) for path in ("/events/", "/events/calendar/" + month)]
    assert many == few
    scope = scope_for(buyer)
    with django_assert_max_num_queries(2):
        assert len(selectors.event_list(scope=scope)) == 10
