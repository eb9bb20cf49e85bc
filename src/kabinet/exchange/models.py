"""The 1C exchange log (J4): every session with its files, what each import did, and errors."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExchangeSession(models.Model):
    """One run of 1C's "Обмен с сайтом": checkauth … complete, for the catalog or for orders."""

    class Kind(models.TextChoices):
        CATALOG = "catalog", _("Catalog")
        SALE = "sale", _("Orders")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETE = "complete", _("Success")
        WARNINGS = "warnings", _("With warnings")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(_("session token"), max_length=64, unique=True)  # the cookie value
    # 1C appends it to every later call
    sessid = models.CharField(_("session id"), max_length=64)
    version = models.CharField(_("CommerceML version"), max_length=10, blank=True)
    zip = models.BooleanField(_("zip archives"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # 1C called mode=complete. The status is final before that once every file is imported
    # (1C does not always call it), but until then a call with Basic auth and no cookie
    # continues this session.
    closed = models.BooleanField(_("closed by 1C"), default=False)
    remote_addr = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Orders handed to 1C by mode=query in this session; mode=success confirms them.
    queried_at = models.DateTimeField(_("orders queried"), null=True, blank=True)
    queried_orders = models.ManyToManyField(
        "orders.Order", verbose_name=_("orders queried"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("exchange session")
        verbose_name_plural = _("exchange log")
        ordering = ["-started_at", "-pk"]
        permissions = [("use_exchange", _("Can exchange data with the site as 1C"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class ExchangeFile(models.Model):
    """A file 1C uploaded (possibly in chunks), and the import that ran on it."""

    class Content(models.TextChoices):
        """What the file held (`commerceml.FileKind`, decided from its content), or an archive."""

        CATALOG = "catalog", pgettext_lazy("exchange file content", "Catalog")
        OFFERS = "offers", pgettext_lazy("exchange file content", "Offers")
        PRICES = "prices", pgettext_lazy("exchange file content", "Prices")
        RESTS = "rests", pgettext_lazy("exchange file content", "Stock")
        DOCUMENTS = "documents", pgettext_lazy("exchange file content", "Orders")
        COUNTERPARTIES = "counterparties", pgettext_lazy("exchange file content", "Counterparties")
        EMPTY = "empty", pgettext_lazy("exchange file content", "Empty")
        UNKNOWN = "unknown", pgettext_lazy("exchange file content", "Not CommerceML")
        ZIP = "zip", pgettext_lazy("exchange file content", "Archive")
        FILE = "file", pgettext_lazy("exchange file content", "Picture or other file")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        WARNINGS = "warnings", _("Imported with warnings")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not imported")

    session = models.ForeignKey(
        ExchangeSession,
        verbose_name=_("exchange session"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    name = models.CharField(_("file"), max_length=500)  # sanitised relative path
    size = models.BigIntegerField(_("size, bytes"), default=0)
    chunks = models.PositiveIntegerField(_("pieces"), default=0)
    attempts = models.PositiveSmallIntegerField(_("import runs"), default=0)
    kind = models.CharField(_("content"), max_length=20, choices=Content.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    counts = models.JSONField(_("objects"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    started_at = models.DateTimeField(_("import started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("import finished"), null=True, blank=True)

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
    def imported(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.WARNINGS)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
