"""Seats under concurrent registrations, on PostgreSQL with two connections (two threads).

The first transaction takes the event's row lock and holds it; the second must wait for it,
then see the first one's seat. Without the lock the second would not wait, and both would
count the same free seat.
"""

import threading

import pytest
from django.db import connection, transaction

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.events import services
from kabinet.events.models import Registration
from kabinet.events.models import RegistrationStatus as Status
from kabinet.events.tests.factories import EventFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)


def in_thread(work, *, holding: threading.Event | None = None, release=None):
    """Run `work` in its own thread (its own database connection) inside a transaction; with
    `holding`/`release`, signal after the work and keep the transaction open until released."""
    done = threading.Event()
    errors = []

    def run():
        try:
            with transaction.atomic():
                work()
                if holding is not None:
                    holding.set()
                    release.wait(10)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done, errors


def race(first, second):
    """`first` holds its transaction; `second` starts meanwhile and must wait for it."""
    holding, release = threading.Event(), threading.Event()
    one, _one_done, one_errors = in_thread(first, holding=holding, release=release)
    assert holding.wait(10)
    two, two_done, two_errors = in_thread(second)
    waited = not two_done.wait(0.5)
    release.set()
    one.join(10)
    two.join(10)
    assert one_errors == two_errors == []
    return waited


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_get_a_seat_and_a_waiting_place(partner):
    first = UserFactory(partner=partner, email="first@alpha.example")
    second = UserFactory(partner=partner, email="second@alpha.example")
    event = EventFactory(capacity=1)

    waited = race(
        lambda: services.registration_create(scope=scope_for(first), event_id=event.pk),
        lambda: services.registration_create(scope=scope_for(second), event_id=event.pk),
    )

    assert waited, "the second registration did not wait for the event's row lock"
    assert dict(Registration.objects.values_list("user__email", "status")) == {
        "first@alpha.example": Status.CONFIRMED,
        "second@alpha.example": Status.WAITING,
    }


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_once_seat_two_different_people_waiting(partner):
    users = [UserFactory(partner=partner, email=f"u{n}@alpha.example") for n in range(4)]
    event = EventFactory(capacity=2)
    for user in users:  # u0, u1 seated; u2, u3 waiting, in that order
        services.registration_create(scope=scope_for(user), event_id=event.pk)
    seated = {r.user_id: r.pk for r in Registration.objects.filter(status=Status.CONFIRMED)}

    waited = race(
        lambda: services.registration_cancel(
            scope=scope_for(users[0]), registration_id=seated[users[0].pk]
        ),
        lambda: services.registration_cancel(
            scope=scope_for(users[1]), registration_id=seated[users[1].pk]
        ),
    )

    assert waited
    assert dict(Registration.objects.values_list("user__email", "status")) == {
        "u0@alpha.example": Status.CANCELLED,
        "u1@alpha.example": Status.CANCELLED,
        "u2@alpha.example": Status.CONFIRMED,
        "u3@alpha.example": Status.CONFIRMED,
    }
