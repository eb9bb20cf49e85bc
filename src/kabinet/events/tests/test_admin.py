from django.core import mail
from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.events import services
from kabinet.events.models import Event, Registration
from kabinet.events.models import RegistrationStatus as Status
from kabinet.events.tests.factories import EventFactory


def event_form(event, **changes):
    local = timezone.localtime
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "is_published": "on",
        "online_url": event.online_url,
        "place": event.place,
        "starts_at_0": local(event.starts_at).date().isoformat(),
        "starts_at_1": local(event.starts_at).time().isoformat(),
        "ends_at_0": local(event.ends_at).date().isoformat(),
        "ends_at_1": local(event.ends_at).time().isoformat(),
        "capacity": event.capacity or "",
        "registration_deadline_0": "",
        "registration_deadline_1": "",
        "audience": event.audience,
    }
    registrations = list(event.registrations.order_by("status", "queued_at", "pk"))
    data.update(
        {
            "registrations-TOTAL_FORMS": len(registrations),
            "registrations-INITIAL_FORMS": len(registrations),
            "registrations-MIN_NUM_FORMS": 0,
            "registrations-MAX_NUM_FORMS": 1000,
        }
    )
    for n, registration in enumerate(registrations):
        data[f"registrations-{n}-id"] = registration.pk
        data[f"registrations-{n}-event"] = event.pk
    data.update(changes)
    return data


def test_more_seats_in_the_admin_seat_the_first_people_waiting(
    django_capture_on_commit_callbacks, partner_admin, buyer, colleague
):
    event = EventFactory(capacity=1, title="Training on sterile packs")
    services.registration_create(
        scope=scope_for(partner_admin),
        event_id=event.pk,
        user_ids=[partner_admin.pk, buyer.pk, colleague.pk],
    )
    staff = StaffUserFactory(is_superuser=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            f"/admin/events/event/{event.pk}/change/", event_form(event, capacity=2)
        )

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Event.objects.get().capacity == 2
    assert dict(Registration.objects.values_list("user__email", "status")) == {
        "admin@alpha.example": Status.CONFIRMED,
        "buyer@alpha.example": Status.CONFIRMED,
        "colleague@alpha.example": Status.WAITING,
    }
    assert [m.to for m in mail.outbox] == [["buyer@alpha.example"]]


def test_an_event_without_a_link_or_a_place_is_refused_in_the_admin(db):
    staff = StaffUserFactory(is_superuser=True)
    event = EventFactory.build(online_url="", place="")
    response = client_for(staff).post("/admin/events/event/add/", event_form_new(event))
    assert response.status_code == 200
    assert "Укажите ссылку для онлайн-участия или место проведения." in response.content.decode()
    assert Event.objects.count() == 0


def test_staff_publish_an_event_in_the_admin_with_a_bare_link(db):
    staff = StaffUserFactory(is_superuser=True)
    event = EventFactory.build(online_url="meet.example/room", place="")
    response = client_for(staff).post("/admin/events/event/add/", event_form_new(event))
    assert response.status_code == 302
    assert Event.objects.get().online_url == "https://meet.example/room"


def event_form_new(event):
    local = timezone.localtime
    return {
        "kind": event.kind,
        "title": event.title,
        "online_url": event.online_url,
        "place": event.place,
        "starts_at_0": local(event.starts_at).date().isoformat(),
        "starts_at_1": "10:00:00",
        "ends_at_0": local(event.ends_at).date().isoformat(),
        "ends_at_1": "12:00:00",
        "audience": "all",
        "registrations-TOTAL_FORMS": 0,
        "registrations-INITIAL_FORMS": 0,
        "registrations-MIN_NUM_FORMS": 0,
        "registrations-MAX_NUM_FORMS": 1000,
    }


def test_staff_see_the_registrations_of_every_partner_and_cannot_change_them(buyer, other_admin):
    event = EventFactory(title="Open webinar")
    services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    services.registration_create(scope=scope_for(other_admin), event_id=event.pk)
    client = client_for(StaffUserFactory(is_superuser=True))
    page = client.get("/admin/events/registration/").content.decode()
    assert "Alpha Pharmacy" in page
    assert "Omega Clinic" in page
    registration = Registration.objects.get(user=buyer)
    client.post(f"/admin/events/registration/{registration.pk}/delete/", {"post": "yes"})
    assert Registration.objects.count() == 2
