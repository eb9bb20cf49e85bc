"""Prices, stock and assortment: the tables behind "what may this user see, at what price".

Price is narrow — one row per (price type, variant) — so partners sharing a price type share
rows, and a price change from 1C is one upsert, visible at commit. PartnerPrice holds the sparse
partner-specific overrides the ERP sends. The only code that combines them is
`pricing.selectors`.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import ext_id_field


class PriceType(models.Model):
    """A 1C price type (вид цен): agreements point at one; prices are stored per type and SKU."""

    ext_id = ext_id_field()
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    vat_included = models.BooleanField(_("VAT included"), default=True)

    class Meta:
        verbose_name = _("price type")
        verbose_name_plural = _("price types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    price_type = models.ForeignKey(PriceType, on_delete=models.CASCADE, related_name="prices")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="prices")
    amount = models.DecimalField(_("price"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["variant", "price_type"], name="price_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount}"


class PartnerPrice(models.Model):
    """A partner's own price for a variant: a fixed amount or a discount off its agreement price."""

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="prices")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("price"), max_digits=14, decimal_places=2, null=True, blank=True)
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("partner price")
        verbose_name_plural = _("partner prices")
        constraints = [
            models.UniqueConstraint(fields=["partner", "variant"], name="partner_price_unique"),
            models.CheckConstraint(
                condition=(Q(amount__isnull=False) & Q(discount_percent__isnull=True))
                | (Q(amount__isnull=True) & Q(discount_percent__isnull=False)),
                name="partner_price_amount_xor_discount",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True)
                | (Q(discount_percent__gte=0) & Q(discount_percent__lt=100)),
                name="partner_price_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount}" if self.amount is not None else f"-{self.discount_percent}%"


class Warehouse(models.Model):
    ext_id = ext_id_field()
    name = models.CharField(_("name"), max_length=200)
    sort = models.IntegerField(default=500)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="stock")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="stock_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quantity}"


class AssortmentRule(models.Model):
    """Limits an agreement's assortment to listed sections (with subsections) and products.

    An agreement without rules sees the whole active catalog.
    """

    agreement = models.ForeignKey(
        "accounts.Agreement", on_delete=models.CASCADE, related_name="assortment_rules"
    )
    section = models.ForeignKey(
        "catalog.Section", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assortment rule")
        verbose_name_plural = _("assortment rules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(section__isnull=False) & Q(product__isnull=True))
                | (Q(section__isnull=True) & Q(product__isnull=False)),
                name="assortment_rule_section_xor_product",
            )
        ]

    def __str__(self) -> str:
        return f"{self.section or self.product}"


class PriceVersion(models.Model):
    """A counter that moves with every change a partner's price list shows — prices, partner
    prices, stock, assortment, agreements' price types, the catalog — in the writer's own
    transaction (`pricing.services.price_version_bump`), so that whatever was built for an
    older value is never served once the change is committed. One row (pk 1)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("price version")
        verbose_name_plural = _("price versions")

    def __str__(self) -> str:
        return str(self.value)


class PriceList(models.Model):
    """A built (or being built) XLSX price list of an agreement, for one price version.

    The file lives in the private storage (`KABINET_PRIVATE_DIR`, never under MEDIA_ROOT) and
    is served only by the portal's views after the access check. Everyone who may order under
    the agreement shares it while the version, the language and the way stock is shown stay.
    """

    class Status(models.TextChoices):
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(
        "accounts.Agreement", on_delete=models.CASCADE, related_name="price_lists"
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.BigIntegerField()
    language = models.CharField(max_length=10)
    stock_display = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version", "language", "stock_display"],
                name="price_list_unique_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} v{self.version}"
