from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceType(models.Model):
    """A 1C price type (вид цен): agreements point at one; prices are stored per type and SKU."""

    ext_id = models.CharField(_("1C id"), max_length=80, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    vat_included = models.BooleanField(_("VAT included"), default=True)

    class Meta:
        verbose_name = _("price type")
        verbose_name_plural = _("price types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
