"""What the partner owes and paid, as the supplier's accounting system (ERP) reports it.

Everything here arrives through the ERP API (`kabinet.api.erp`) and is upserted by the ERP's id
(`ext_id`). Each row carries its `partner` (copied from its counterparty when written) so the
partner's pages read one indexed range — partner, then counterparty / agreement / date — without
joins. Reconciliation requests go the other way: a partner asks, the ERP takes the request and
uploads the act (a PDF kept in private storage, never under MEDIA_ROOT) or refuses it.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, Counterparty, Partner


def ext_id_required():
    return models.CharField(_("ERP id"), max_length=80, unique=True)


def updated_at_field():
    return models.DateTimeField(_("updated"), auto_now=True, db_index=True)


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=2, **kwargs)


def private_storage() -> FileSystemStorage:
    """Acts are partner data: served only through a scoped view, never by the web server."""
    return FileSystemStorage(location=settings.KABINET_PRIVATE_DIR, base_url=None)


class Payment(models.Model):
    """A payment the supplier received from one of the partner's counterparties (F1, F2)."""

    ext_id = ext_id_required()
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="payments"
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.CharField(_("payment order number"), max_length=40)
    date = models.DateField(_("date"))
    purpose = models.CharField(_("purpose of payment"), max_length=1000, blank=True)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["partner", "date"]),
            models.Index(fields=["partner", "counterparty", "date"]),
            models.Index(fields=["partner", "agreement", "date"]),
            models.Index(fields=["partner", "number"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.date:%d.%m.%Y}"


class Debt(models.Model):
    """An agreement's balance as of a date: what is owed (negative: paid in advance) and the
    overdue part of it. One row per agreement, replaced by each report of the ERP."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="debts"
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.OneToOneField(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="debt"
    )
    balance = money_field(_("debt"))
    overdue = money_field(_("overdue debt"), default=0)
    as_of = models.DateField(_("as of"))
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("debt")
        verbose_name_plural = _("debts")
        ordering = ["agreement__name"]
        indexes = [models.Index(fields=["partner", "counterparty"])]
        constraints = [
            models.CheckConstraint(condition=Q(overdue__gte=0), name="debt_overdue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.balance}"


class ScheduleItem(models.Model):
    """One line of the payment calendar (F4): a document to be paid by a date."""

    ext_id = ext_id_required()
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="schedule"
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="+"
    )
    document = models.CharField(_("document"), max_length=300)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    amount = money_field(_("amount"))
    paid = money_field(_("paid"), default=0)
    remaining = money_field(_("remaining"))
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("payment schedule line")
        verbose_name_plural = _("payment schedule")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["partner", "due_date"]),
            models.Index(fields=["partner", "counterparty", "due_date"]),
            models.Index(fields=["partner", "agreement", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(paid__gte=0) & Q(remaining__gte=0),
                name="schedule_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(remaining__lte=F("amount")), name="schedule_remaining_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.due_date:%d.%m.%Y}"


class ReconciliationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_WORK = "in_work", _("In work")
    READY = "ready", _("Ready")
    REFUSED = "refused", _("Refused")


class ReconciliationRequest(models.Model):
    """A partner's request for a reconciliation act (F3): requested → in work → ready | refused."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="reconciliation_requests",
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    with_stamp = models.BooleanField(_("with stamp and signature"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReconciliationStatus.choices,
        default=ReconciliationStatus.REQUESTED,
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=1000, blank=True)
    act = models.FileField(
        _("act (PDF)"),
        storage=private_storage,
        upload_to="finance/acts/%Y/%m/",
        max_length=300,
        blank=True,
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    taken_at = models.DateTimeField(_("taken into work"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("reconciliation act request")
        verbose_name_plural = _("reconciliation act requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=F("period_to")), name="reconciliation_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReconciliationStatus.READY) | ~Q(act=""),
                name="reconciliation_ready_has_act",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReconciliationStatus.REFUSED) | ~Q(refusal_reason=""),
                name="reconciliation_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counterparty_id}: {self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"


class OrderPaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Not paid")
    PARTIAL = "partial", _("Partly paid")
    PAID = "paid", _("Paid")


class OrderPayment(models.Model):
    """How much of an order is paid, where the ERP knows it (keyed by the order)."""

    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="payment",
    )
    status = models.CharField(_("payment status"), max_length=20, choices=OrderPaymentStatus)
    paid_amount = money_field(_("paid"), default=0)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("order payment")
        verbose_name_plural = _("order payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0), name="order_payment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"
