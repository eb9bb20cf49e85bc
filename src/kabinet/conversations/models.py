"""Conversations with the partner's manager (I2) and claims after delivery (I3).

Partner 1─* Conversation (general, about an order, or the thread of a claim) 1─* Message
1─* Attachment. ReadMark remembers, per user, up to when they have read a conversation (the
unread counters). Claim ─ Order, 1─* ClaimLine ─ ShipmentLine, 1─* ClaimEvent (its history),
1─1 Conversation (its thread). Uploaded files live in the private storage (`storage.py`).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.conversations.storage import private_storage
from kabinet.conversations.workflow import ClaimReason, ClaimStatus, Resolution


class Conversation(models.Model):
    """The partner's conversation with its manager: general, about an order, or a claim's."""

    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversations",
    )
    claim = models.OneToOneField(
        "conversations.Claim",
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversation",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    # When a letter about a new message last went to each side: at most one per 15 minutes.
    manager_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    partner_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["partner", "-last_message_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(order__isnull=True, claim__isnull=True),
                name="conversation_one_general_per_partner",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(claim__isnull=True),
                name="conversation_one_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        "accounts.User",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from the supplier"), default=False)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "from_staff", "created_at"])]

    def __str__(self) -> str:
        return self.text[:50]


def _attachment_path(_instance, filename: str) -> str:
    # Never the uploaded name on disk: the original name is kept in the row.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Attachment(models.Model):
    """A file of a message; images are re-encoded (no EXIF) and carry a thumbnail."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_attachment_path, max_length=200)
    thumbnail = models.FileField(
        storage=private_storage, upload_to=_attachment_path, max_length=200, blank=True
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return bool(self.thumbnail)


class ReadMark(models.Model):
    """Up to when a user has read a conversation (messages after it count as unread)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_marks"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="read_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.user_id}"


class Claim(models.Model):
    """A claim (рекламация) about shipped goods of one order."""

    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="claims"
    )
    author = models.ForeignKey(
        "accounts.User",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=30, choices=ClaimReason.choices)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.NEW
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"№ {self.pk}"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    shipment_line = models.ForeignKey(
        "orders.ShipmentLine", on_delete=models.PROTECT, related_name="claim_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="claim_line_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["claim", "shipment_line"], name="claim_line_once_per_claim"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_line_id} × {self.quantity}"


class ClaimEvent(models.Model):
    """One step of a claim's history: shown to the partner with time, author and comment."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices)
    previous_status = models.CharField(max_length=20, choices=ClaimStatus.choices, blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.status
