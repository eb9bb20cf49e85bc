"""The supplier's catalog: sections, brands, products and their orderable variants (SKUs).

A product without characteristics has exactly one variant; prices, stock, cart and order
lines always point at variants. Everything fed by 1C carries `ext_id`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import ext_id_field
from kabinet.catalog.search import search_normalize
from kabinet.core.text import contains_number


class Section(models.Model):
    ext_id = ext_id_field()
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=300)
    sort = models.IntegerField(_("sort order"), default=500)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalog section")
        verbose_name_plural = _("catalog sections")
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    ext_id = ext_id_field()
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Property(models.Model):
    """A product property from 1C (material, sterility, country…), used in filters."""

    ext_id = ext_id_field()
    name = models.CharField(_("name"), max_length=200)
    is_filter = models.BooleanField(_("show as a filter"), default=True)
    sort = models.IntegerField(_("sort order"), default=500)

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    ext_id = ext_id_field()
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="products"
    )
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
    )
    article = models.CharField(_("article"), max_length=100, db_index=True, blank=True)
    erp_code = models.CharField(_("1C code"), max_length=50, db_index=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="шт")
    fractional = models.BooleanField(
        _("sold in fractions"), default=False, help_text=_("Off for piece goods: whole units only.")
    )
    vat_rate = models.DecimalField(
        _("VAT rate, %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: not subject to VAT."),
    )
    order_multiple = models.DecimalField(
        _("order multiple"), max_digits=12, decimal_places=3, default=1
    )
    min_quantity = models.DecimalField(
        _("minimum quantity"), max_digits=12, decimal_places=3, default=1
    )
    weight_kg = models.DecimalField(
        _("weight, kg"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    volume_m3 = models.DecimalField(
        _("volume, m³"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Name, article, barcodes and codes as compared (`catalog.search.search_normalize`: lower
    # case — SQLite folds only ASCII —, ё as е, look-alike Cyrillic letters as Latin), written
    # by catalog.services.product_search_text_refresh and the 1C importer.
    search_text = models.TextField(editable=False, blank=True)
    # The article and the 1C code as compared whole (the same fold): exact matches in search
    # and quick order. Kept by `save()` and by the refresh above.
    article_key = models.CharField(max_length=100, editable=False, blank=True, db_index=True)
    erp_code_key = models.CharField(max_length=50, editable=False, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["section", "name"]),
            models.Index(fields=["is_active", "name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_multiple__gt=0), name="product_multiple_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gt=0), name="product_min_qty_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.article_key = search_normalize(self.article)
        self.erp_code_key = search_normalize(self.erp_code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"article", "erp_code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "article_key", "erp_code_key"}
        super().save(*args, **kwargs)


class ProductProperty(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="properties")
    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(_("value"), max_length=500)

    class Meta:
        verbose_name = _("property value")
        verbose_name_plural = _("property values")
        indexes = [models.Index(fields=["property", "value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "property", "value"], name="product_property_value_unique"
            )
        ]

    def __str__(self) -> str:
        return self.value


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("file"), upload_to="catalog/images/%Y/%m/")
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    sort = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["sort", "pk"]

    def __str__(self) -> str:
        return self.file.name


class ProductDocument(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration certificate")
        CERTIFICATE = "certificate", _("Certificate / declaration of conformity")
        INSTRUCTION = "instruction", _("Instructions for use")
        OTHER = "other", _("Other document")

    ext_id = ext_id_field()
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=100, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="catalog/documents/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("product document")
        verbose_name_plural = _("product documents")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def title_details(self) -> str:
        """What to say after the title that the title does not say already: its kind and its
        number (1C titles usually carry both: "Регистрационное удостоверение № РЗН …")."""
        details = []
        kind = str(self.get_kind_display())
        if self.kind != self.Kind.OTHER and kind.casefold() not in self.title.casefold():
            details.append(kind)
        number = self.number.strip()
        if number and not contains_number(self.title, number):
            details.append(f"№ {number}")
        return " ".join(details)


class Variant(models.Model):
    """The orderable SKU: a product in one combination of characteristics (colour, size…)."""

    ext_id = ext_id_field()
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    name = models.CharField(_("characteristic"), max_length=300, blank=True)
    color = models.CharField(_("colour"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=100, blank=True)
    characteristics = models.JSONField(_("characteristics"), default=dict, blank=True)
    sort = models.IntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "sort", "pk"]
        indexes = [models.Index(fields=["product", "sort"])]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}".strip() if self.name else self.product.name


class Barcode(models.Model):
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="barcodes")
    code = models.CharField(_("barcode"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")
        constraints = [models.UniqueConstraint(fields=["variant", "code"], name="barcode_unique")]

    def __str__(self) -> str:
        return self.code
