"""The 1C exchange log (J4): every session with its files, what each import did, and errors."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExchangeSession(models.Model):
    """One run of 1C's "Обмен с сайтом": checkauth … complete, for the catalog or for orders."""

    class Kind(models.TextChoices):
        CATALOG = "catalog", _("Catalog")
        SALE = "sale", _("Orders")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)  # the cookie value
    sessid = models.CharField(max_length=64)  # 1C appends it to every later call
    version = models.CharField(_("CommerceML version"), max_length=10, blank=True)
    zip = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Orders handed to 1C by mode=query in this session; mode=success confirms them.
    queried_at = models.DateTimeField(null=True, blank=True)
    queried_orders = models.ManyToManyField("orders.Order", blank=True, related_name="+")

    class Meta:
        verbose_name = _("exchange session")
        verbose_name_plural = _("exchange log")
        ordering = ["-started_at", "-pk"]
        permissions = [("use_exchange", _("Can exchange data with the site as 1C"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ExchangeFile(models.Model):
    """A file 1C uploaded (possibly in chunks), and the import that ran on it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not imported")

    session = models.ForeignKey(ExchangeSession, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("file"), max_length=500)  # sanitised relative path
    size = models.BigIntegerField(_("size, bytes"), default=0)
    chunks = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(_("import runs"), default=0)
    kind = models.CharField(_("content"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    counts = models.JSONField(_("objects"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("exchange file")
        verbose_name_plural = _("exchange files")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="exchange_file_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
