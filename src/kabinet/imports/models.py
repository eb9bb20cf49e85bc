"""Quick order from a file (C3, D): import jobs and their rows, remembered column mappings, and
the partner's own product codes (B9).

An `ImportJob` is one file (or one paste) on its way to the cart: uploaded → columns confirmed
→ matched (its `ImportRow`s hold the report) → applied, once. The uploaded file lives under
MEDIA_ROOT/imports/ until the job is applied or purged.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.catalog.search import search_normalize


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Columns to confirm")
        MAPPED = "mapped", _("Columns confirmed")
        MATCHING = "matching", _("Being checked")
        MATCHED = "matched", _("Checked")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        FILE = "file", _("File")
        PASTE = "paste", _("Pasted text")

    class ApplyMode(models.TextChoices):
        MERGE = "merge", _("Added to the cart")
        REPLACE = "replace", _("Replaced the cart")
        DRAFT = "draft", _("New draft order")

    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="import_jobs"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="import_jobs")
    counterparty = models.ForeignKey(
        "accounts.Counterparty", on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.ForeignKey(
        "accounts.Agreement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILE)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=10, blank=True)
    pasted_text = models.TextField(blank=True)
    # Per sheet: name, hidden, rows, width and the proposed (or remembered) mapping; the first
    # rows of each sheet for the mapping page, so that it never reads the file again.
    sheets = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    sheet_name = models.CharField(max_length=255, blank=True)
    # {"header_row": index or None, "columns": {role: column index}}
    mapping = models.JSONField(default=dict, blank=True)
    match_order = models.JSONField(default=list, blank=True)
    layout_signature = models.CharField(max_length=64, blank=True)
    mapping_remembered = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    error = models.TextField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    rows_ok = models.PositiveIntegerField(default=0)
    rows_warning = models.PositiveIntegerField(default=0)
    rows_error = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    applied_mode = models.CharField(max_length=10, choices=ApplyMode.choices, blank=True)
    applied_order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return self.file_name or str(self.Source(self.source).label)

    @property
    def rows_recognised(self) -> int:
        return self.rows_ok + self.rows_warning

    @property
    def is_open(self) -> bool:
        """Its report may still change and it may still be applied."""
        return self.status in (self.Status.UPLOADED, self.Status.MAPPED, self.Status.MATCHED)


class ImportRow(models.Model):
    """One row of the file with what became of it (the report, D4)."""

    MATCHED_BY = [
        ("article", _("Article")),
        ("barcode", _("Barcode")),
        ("erp_code", _("1C code")),
        ("partner_code", _("Our code")),
        ("name", _("Name")),
        ("chosen", _("Chosen among the candidates")),
    ]

    class Outcome(models.TextChoices):
        OK = "ok", _("Recognised")
        UNKNOWN = "unknown", _("Unknown article")
        NOT_IN_ASSORTMENT = "not_in_assortment", _("Not in your assortment")
        INACTIVE = "inactive", _("No longer sold")
        AMBIGUOUS = "ambiguous", _("Several products match")
        NO_IDENTIFIER = "no_identifier", _("No article, code or name")
        BAD_QUANTITY = "bad_quantity", _("Bad quantity")
        BELOW_MINIMUM = "below_minimum", _("Below the minimum")
        NOT_MULTIPLE = "not_multiple", _("Not a multiple")
        NO_QUANTITY = "no_quantity", _("No quantity")

    class Severity(models.TextChoices):
        OK = "ok", _("Recognised")
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Error")
        SKIPPED = "skipped", _("Skipped")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    cells = models.JSONField(default=list)
    # {role: text} as read (or as the user corrected it)
    identifiers = models.JSONField(default=dict)
    # Corrected by the user: the code is looked up as any kind of code, like a paste.
    any_code = models.BooleanField(default=False)
    quantity_text = models.CharField(max_length=100, blank=True)
    # The quantity that goes to the cart (None when the row has none that can be ordered).
    quantity = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matched_by = models.CharField(max_length=20, choices=MATCHED_BY, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OK)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.OK)
    # Parameters of the reason's text and the warnings ({"notes": [{"code": …}, …], …}).
    detail = models.JSONField(default=dict, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    merged_into = models.PositiveIntegerField(null=True, blank=True)
    proposed_quantity = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="import_row_unique")
        ]
        indexes = [
            models.Index(fields=["job", "severity", "row_number"]),
            models.Index(fields=["job", "variant"]),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


class ColumnMappingMemory(models.Model):
    """The mapping a user confirmed for a layout (D2): the next file of it needs no questions."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="column_mappings"
    )
    layout_signature = models.CharField(max_length=64)
    # {"columns": {role: column index}, "order": [role, …]}
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "layout_signature"], name="column_mapping_memory_unique"
            )
        ]

    def __str__(self) -> str:
        return self.layout_signature


class PartnerProductCode(models.Model):
    """The partner's own code for a product, or for one of its variants (B9)."""

    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="product_codes"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        verbose_name=_("variant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("our code"), max_length=100)
    # The code as compared (`catalog.search.search_normalize`): lower case, ё as е, look-alike
    # Cyrillic letters as Latin, spaces collapsed.
    code_key = models.CharField(max_length=100, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner's product code")
        verbose_name_plural = _("partner's product codes")
        ordering = ["code_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "code_key"], name="partner_product_code_unique"
            ),
            models.CheckConstraint(condition=~Q(code_key=""), name="partner_product_code_filled"),
        ]
        indexes = [models.Index(fields=["partner", "product"])]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code_key = search_normalize(self.code)
        super().save(*args, **kwargs)
