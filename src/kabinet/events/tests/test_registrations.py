from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.models import Notification
from kabinet.comms.sms import MemorySmsSender
from kabinet.events import services
from kabinet.events.models import Registration
from kabinet.events.models import RegistrationStatus as Status
from kabinet.events.tests.factories import EventFactory


def statuses(event):
    return list(
        Registration.objects.filter(event=event)
        .order_by("queued_at", "pk")
        .values_list("user__email", "status")
    )


def test_seats_are_given_up_to_the_capacity_then_the_waiting_list(partner_admin, buyer, colleague):
    event = EventFactory(capacity=2)
    made = services.registration_create(
        scope=scope_for(partner_admin),
        event_id=event.pk,
        user_ids=[partner_admin.pk, buyer.pk, colleague.pk],
    )
    assert [r.status for r in made] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
    assert statuses(event) == [
        ("admin@alpha.example", Status.CONFIRMED),
        ("buyer@alpha.example", Status.CONFIRMED),
        ("colleague@alpha.example", Status.WAITING),
    ]


def test_registering_again_keeps_the_place(partner_admin, buyer):
    event = EventFactory(capacity=1)
    services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    again = services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    assert again == []
    assert statuses(event) == [("buyer@alpha.example", Status.CONFIRMED)]


def test_cancelling_gives_the_seat_to_the_first_person_waiting(
    django_capture_on_commit_callbacks, partner_admin, buyer, colleague
):
    event = EventFactory(capacity=1, title="Sterilisation webinar")
    services.registration_create(scope=scope_for(partner_admin), event_id=event.pk)
    services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    services.registration_create(scope=scope_for(colleague), event_id=event.pk)
    first = Registration.objects.get(event=event, user=partner_admin)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(scope=scope_for(partner_admin), registration_id=first.pk)

    assert statuses(event) == [
        ("admin@alpha.example", Status.CANCELLED),
        ("buyer@alpha.example", Status.CONFIRMED),
        ("colleague@alpha.example", Status.WAITING),
    ]
    # The buyer is told by every channel, in Russian (the portal's language).
    assert [m.to for m in mail.outbox] == [["buyer@alpha.example"]]
    assert (
        mail.outbox[0].subject == "Освободилось место, вы зарегистрированы: Sterilisation webinar"
    )
    assert [s.phone for s in MemorySmsSender.outbox] == ["+79990000001"]
    assert list(Notification.objects.filter(user=buyer).values_list("title", flat=True)) == [
        "Освободилось место, вы зарегистрированы: Sterilisation webinar"
    ]


def test_a_cancelled_person_who_registers_again_queues_at_the_end(partner_admin, buyer, colleague):
    event = EventFactory(capacity=1)
    for user in (partner_admin, buyer, colleague):
        services.registration_create(scope=scope_for(user), event_id=event.pk)
    waiting = Registration.objects.get(event=event, user=buyer)
    services.registration_cancel(scope=scope_for(buyer), registration_id=waiting.pk)
    services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    services.registration_cancel(
        scope=scope_for(partner_admin),
        registration_id=Registration.objects.get(event=event, user=partner_admin).pk,
    )
    assert dict(statuses(event)) == {
        "admin@alpha.example": Status.CANCELLED,
        "colleague@alpha.example": Status.CONFIRMED,
        "buyer@alpha.example": Status.WAITING,
    }


def test_registration_is_refused_after_the_deadline(buyer):
    event = EventFactory(registration_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    assert Registration.objects.count() == 0


def test_only_colleagues_of_the_same_partner_can_be_registered(buyer, other_admin):
    event = EventFactory()
    with pytest.raises(ValidationError):
        services.registration_create(
            scope=scope_for(buyer), event_id=event.pk, user_ids=[buyer.pk, other_admin.pk]
        )
    assert Registration.objects.count() == 0


def test_a_blocked_colleague_cannot_be_registered(buyer, partner):
    blocked = UserFactory(partner=partner, is_active=False)
    event = EventFactory()
    with pytest.raises(ValidationError):
        services.registration_create(
            scope=scope_for(buyer), event_id=event.pk, user_ids=[blocked.pk]
        )
    assert Registration.objects.count() == 0


def test_an_event_for_other_partners_cannot_be_registered_for(buyer, other_partner):
    event = EventFactory(for_partners=[other_partner])
    with pytest.raises(Http404):
        services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    unpublished = EventFactory(is_published=False)
    with pytest.raises(Http404):
        services.registration_create(scope=scope_for(buyer), event_id=unpublished.pk)
    assert Registration.objects.count() == 0


def test_a_colleague_cannot_cancel_someone_elses_registration(buyer, colleague, partner_admin):
    event = EventFactory()
    [registration] = services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(scope=scope_for(colleague), registration_id=registration.pk)
    assert statuses(event) == [("buyer@alpha.example", Status.CONFIRMED)]
    # The partner's administrator may.
    services.registration_cancel(scope=scope_for(partner_admin), registration_id=registration.pk)
    assert statuses(event) == [("buyer@alpha.example", Status.CANCELLED)]


def test_another_partner_cannot_cancel_a_registration(buyer, other_admin):
    event = EventFactory()
    [registration] = services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    with pytest.raises(Http404):
        services.registration_cancel(scope=scope_for(other_admin), registration_id=registration.pk)
    assert statuses(event) == [("buyer@alpha.example", Status.CONFIRMED)]


def test_registering_a_colleague_tells_them_who_did(
    django_capture_on_commit_callbacks, partner_admin, colleague
):
    event = EventFactory(title="Exhibition in Moscow", kind="exhibition", place="Crocus Expo")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(
            scope=scope_for(partner_admin), event_id=event.pk, user_ids=[colleague.pk]
        )
    [letter] = mail.outbox
    assert letter.to == ["colleague@alpha.example"]
    assert letter.subject == "Вы зарегистрированы: Exhibition in Moscow"
    assert "Зарегистрировал(а): Alpha Admin" in letter.body
    assert "Crocus Expo" in letter.body
    assert f"/events/{event.pk}/" in letter.body
    assert MemorySmsSender.outbox == []


def test_more_seats_from_the_staff_seat_the_people_waiting(partner_admin, buyer, colleague):
    event = EventFactory(capacity=1)
    services.registration_create(
        scope=scope_for(partner_admin),
        event_id=event.pk,
        user_ids=[partner_admin.pk, buyer.pk, colleague.pk],
    )
    event.capacity = 2
    event.save()
    assert services.event_waitlist_advance(event_id=event.pk) == [
        Registration.objects.get(event=event, user=buyer).pk
    ]
    assert dict(statuses(event))["colleague@alpha.example"] == Status.WAITING
