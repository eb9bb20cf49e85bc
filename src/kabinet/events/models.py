"""The supplier's events (I1) and news (I5), their audiences, registrations and read marks.

An event or a news item is for every partner (`Audience.ALL`) or for the partners chosen on it
directly or through a `PartnerGroup` (a region, a segment). A `Registration` is one partner
employee's place at an event: confirmed, on the waiting list, or cancelled; the waiting list is
ordered by `queued_at`. Seats are counted under a row lock on the event (`services.py`).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    ALL = "all", _("All partners")
    SELECTED = "selected", _("Chosen partners and groups")


class PartnerGroup(models.Model):
    """A set of partners to address at once: a region, a segment, a dealer tier."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    partners = models.ManyToManyField(
        "accounts.Partner", verbose_name=_("partners"), blank=True, related_name="event_groups"
    )

    class Meta:
        verbose_name = _("partner group")
        verbose_name_plural = _("partner groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Addressed(models.Model):
    """Who a publication is for: everyone, or chosen partners and groups."""

    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    partners = models.ManyToManyField(
        "accounts.Partner",
        verbose_name=_("chosen partners"),
        blank=True,
        related_name="+",
        help_text=_("Used when the audience is chosen partners and groups."),
    )
    groups = models.ManyToManyField(
        PartnerGroup,
        verbose_name=_("partner groups"),
        blank=True,
        related_name="+",
        help_text=_("Used when the audience is chosen partners and groups."),
    )
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        abstract = True


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    EXHIBITION = "exhibition", _("Exhibition")
    PROMOTION = "promotion", _("Promotion")
    TRAINING = "training", _("Training")


class Event(Addressed):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_deadline = models.DateTimeField(
        _("registration until"),
        null=True,
        blank=True,
        help_text=_("Leave empty to accept registrations until the start."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["is_published", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not self.online_url and not self.place:
            errors["place"] = _("Give an online link or a place.")
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if (
            self.registration_deadline
            and self.ends_at
            and self.registration_deadline > self.ends_at
        ):
            errors["registration_deadline"] = _("Registration cannot close after the event ends.")
        if errors:
            raise ValidationError(errors)

    @property
    def registration_closes_at(self):
        return self.registration_deadline or self.starts_at

    def registration_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.registration_closes_at


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One partner employee's place at an event (one row per person and event, reused)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_user"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.event}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private calendar subscription: the token in the URL is the credential."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class News(Addressed):
    """A short news item or personal offer; its picture is re-encoded and kept in the database
    (never a public media file), served by an access-checked view."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)
    image = models.BinaryField(_("picture"), null=True, blank=True, editable=False)
    image_type = models.CharField(max_length=20, blank=True, editable=False)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["is_published", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def has_image(self) -> bool:
        return bool(self.image_type)


class NewsRead(models.Model):
    news = models.ForeignKey(News, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["news", "user"], name="news_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.news_id}"
