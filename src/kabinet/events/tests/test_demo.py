from django.db.models import Count, Q
from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.models import User
from kabinet.demo.generator import demo_generate
from kabinet.events.models import Event, News, RegistrationStatus


def test_the_demo_has_past_and_upcoming_events_a_full_one_and_news(db):
    demo_generate(partners=4, skus=0, months=0)
    now = timezone.now()
    assert Event.objects.filter(ends_at__lt=now).count() == 2
    assert Event.objects.filter(ends_at__gte=now).count() == 5
    [full] = Event.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    ).filter(waiting__gt=0)
    assert (full.capacity, full.confirmed, full.waiting) == (3, 3, 2)
    assert News.objects.count() == 4
    assert News.objects.exclude(image_type="").count() == 1

    buyer = User.objects.get(email="buyer1@partner.demo")
    client = client_for(buyer)
    for path in ("/events/", "/events/calendar/", f"/events/{full.pk}/", "/news/", "/"):
        assert client.get(path).status_code == 200, path
    home = client.get("/").content.decode()
    assert "Персональное предложение" in home
    assert full.registrations.filter(status=RegistrationStatus.WAITING).count() == 2
