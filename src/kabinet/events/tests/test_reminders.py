from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kabinet.accounts.scope import scope_for
from kabinet.comms.models import Notification
from kabinet.comms.sms import MemorySmsSender
from kabinet.events import services, tasks
from kabinet.events.models import Registration
from kabinet.events.tests.factories import EventFactory


def test_a_day_before_each_confirmed_participant_is_reminded_once(
    django_capture_on_commit_callbacks, buyer, colleague, partner_admin
):
    now = timezone.now()
    soon = EventFactory(title="Tomorrow's webinar", capacity=2, starts_at=now + timedelta(hours=20))
    later = EventFactory(title="Next week", starts_at=now + timedelta(days=6))
    services.registration_create(
        scope=scope_for(buyer),
        event_id=soon.pk,
        user_ids=[buyer.pk, colleague.pk, partner_admin.pk],
    )  # the administrator waits
    services.registration_create(scope=scope_for(buyer), event_id=later.pk)
    cancelled = Registration.objects.get(event=soon, user=colleague)
    services.registration_cancel(scope=scope_for(colleague), registration_id=cancelled.pk)
    # The cancellation seated the administrator; now: buyer and admin confirmed, colleague out.
    mail.outbox.clear()
    MemorySmsSender.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("send_event_reminders", stdout=out)
    assert out.getvalue() == "Отправлено напоминаний о мероприятиях: 2.\n"
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@alpha.example", "buyer@alpha.example"]
    assert {m.subject for m in mail.outbox} == {"Напоминание: Tomorrow's webinar"}
    assert [s.phone for s in MemorySmsSender.outbox] == ["+79990000001"]
    assert "Tomorrow's webinar" in MemorySmsSender.outbox[0].text

    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_reminders_send() == 0
        tasks.event_reminders_send.call()
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(title__startswith="Напоминание").count() == 2


def test_no_reminder_for_an_event_more_than_a_day_ahead_or_already_started(buyer):
    now = timezone.now()
    ahead = EventFactory(starts_at=now + timedelta(hours=25))
    soon = EventFactory(starts_at=now + timedelta(hours=2))
    started = EventFactory(starts_at=now + timedelta(hours=2))
    for event in (ahead, soon, started):
        services.registration_create(scope=scope_for(buyer), event_id=event.pk)
    started.starts_at = now - timedelta(minutes=10)
    started.save()

    assert services.event_reminders_send(now=now) == 1
    assert list(
        Registration.objects.filter(reminded_at__isnull=False).values_list("event_id", flat=True)
    ) == [soon.pk]
