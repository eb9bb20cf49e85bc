from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import ext_id_field
from kabinet.orders.workflow import Actor, Status


class Order(models.Model):
    """A partner's order. Lines freeze their prices when the order is sent."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    ext_id = ext_id_field()
    erp_number = models.CharField(_("number in 1C"), max_length=60, blank=True)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="orders")
    counterparty = models.ForeignKey(
        "accounts.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    agreement = models.ForeignKey(
        "accounts.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    address = models.ForeignKey(
        "accounts.DeliveryAddress",
        verbose_name=_("delivery address"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    author = models.ForeignKey(
        "accounts.User",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    desired_date = models.DateField(_("desired delivery date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    vat_total = models.DecimalField(_("VAT"), max_digits=16, decimal_places=2, default=0)
    created_in_erp = models.BooleanField(_("created in 1C"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the order must go (again) to 1C; cleared when 1C confirms it (mode=success).
    export_pending = models.BooleanField(default=False)
    # Guards against a double-submitted checkout: the same token never makes two orders.
    submit_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "-created_at"]),
            models.Index(fields=["partner", "status", "-created_at"]),
            models.Index(fields=["counterparty", "-created_at"]),
            models.Index(
                fields=["export_pending"],
                condition=Q(export_pending=True),
                name="order_export_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One ordered variant; name, article and price are copies taken when it was ordered."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("name"), max_length=500)
    article = models.CharField(_("article"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("ordered"), max_digits=12, decimal_places=3)
    confirmed_quantity = models.DecimalField(
        _("confirmed"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    shipped_quantity = models.DecimalField(_("shipped"), max_digits=12, decimal_places=3, default=0)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(
        _("VAT rate, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    sort = models.PositiveIntegerField(default=0)
    # The partner's answer to a shortage on this line (E3): take the confirmed quantity, or
    # drop the line. Empty until asked; goes back to 1C with the order.
    shortage_answer = models.CharField(
        _("answer to the shortage"),
        max_length=10,
        blank=True,
        choices=[("accepted", _("accepted")), ("rejected", _("rejected"))],
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["sort", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"

    @property
    def remaining_quantity(self):
        """Still to ship: what was confirmed (or ordered, until confirmed) less what shipped."""
        expected = self.confirmed_quantity if self.confirmed_quantity is not None else self.quantity
        return max(expected - self.shipped_quantity, 0)

    @property
    def backordered_quantity(self):
        """Ordered but not confirmed by the supplier, and still owed (E6): 1C confirmed less
        than ordered and the partner has not answered the shortage — accepting the confirmed
        quantity or dropping the line settles it — while the order is still in work."""
        if (
            self.confirmed_quantity is None
            or self.shortage_answer
            or self.order.status in (Status.COMPLETED, Status.CANCELLED)
        ):
            return 0
        return max(self.quantity - self.confirmed_quantity, 0)


class OrderEvent(models.Model):
    """A status change (or another notable step) of an order, shown to the partner."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    previous_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.CharField(max_length=20, choices=Actor.choices)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.previous_status} → {self.status}"


class Shipment(models.Model):
    """A shipment of (part of) an order with its documents, filled from 1C (E6)."""

    ext_id = ext_id_field()
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    number = models.CharField(_("number"), max_length=60)
    date = models.DateField(_("date"))
    document = models.FileField(_("document"), upload_to="orders/shipments/%Y/%m/", blank=True)
    document_title = models.CharField(_("document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="shipment_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"
