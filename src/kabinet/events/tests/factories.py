from datetime import timedelta

import factory
from django.utils import timezone

from kabinet.events.models import Audience, Event, EventKind, News, PartnerGroup


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.WEBINAR
    title = factory.Sequence(lambda n: f"Webinar number {n}")
    description = "What is new in the catalog"
    online_url = "https://meet.example/kabinet"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1, minutes=30))
    is_published = True
    audience = Audience.ALL

    @factory.post_generation
    def for_partners(self, create, partners, **kwargs):
        if create and partners:
            self.audience = Audience.SELECTED
            self.save(update_fields=["audience"])
            self.partners.set(partners)


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = News
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"News item {n}")
    text = "New prices from Monday"
    is_published = True
    audience = Audience.ALL

    @factory.post_generation
    def for_partners(self, create, partners, **kwargs):
        if create and partners:
            self.audience = Audience.SELECTED
            self.save(update_fields=["audience"])
            self.partners.set(partners)


class PartnerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerGroup

    name = factory.Sequence(lambda n: f"Region {n}")


def png_upload(name="picture.png", size=(40, 30), color=(200, 30, 30), fmt="PNG", **save):
    """An uploaded picture made with Pillow (`save`: extra options, e.g. exif=...)."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


# The walk tries only ids that are none of the attacker's rows (ids of all tables pooled):
# the victim's events, news and registrations get ids far above the others, so they are tried.
VICTIM_IDS = 9000


def victim_events_make(partner):
    """Events and news meant only for `partner`, with its people registered (isolation walk)."""
    from kabinet.accounts.models import User
    from kabinet.accounts.scope import scope_for
    from kabinet.events import services
    from kabinet.events.models import Registration

    event = EventFactory(
        id=VICTIM_IDS + 1,
        title=f"Closed seminar for {partner.name}",
        place=f"Conference hall of {partner.name}",
        capacity=1,
        for_partners=[partner],
    )
    group = PartnerGroupFactory(name=f"Region of {partner.name}")
    group.partners.add(partner)
    by_group = EventFactory(
        id=VICTIM_IDS + 2, title=f"Regional exhibition for {partner.name}", audience="selected"
    )
    by_group.groups.add(group)
    news = NewsFactory(
        id=VICTIM_IDS + 3, title=f"Personal offer for {partner.name}", for_partners=[partner]
    )
    services.news_image_set(news=news, upload=png_upload())
    users = list(User.objects.filter(partner=partner, is_active=True).order_by("pk")[:2])
    scope = scope_for(users[0])
    made = services.registration_create(
        scope=scope, event_id=event.pk, user_ids=[u.pk for u in users]
    )
    for number, registration in enumerate(made, start=VICTIM_IDS + 11):
        Registration.objects.filter(pk=registration.pk).update(id=number)
    services.calendar_feed_renew(scope=scope)
    return event
