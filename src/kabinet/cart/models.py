"""Carts hold variants and quantities only: prices are read live through pricing.selectors."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A user's cart for one counterparty, or a named saved cart / order template (C5)."""

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="carts")
    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="carts")
    counterparty = models.ForeignKey(
        "accounts.Counterparty", on_delete=models.CASCADE, related_name="carts"
    )
    agreement = models.ForeignKey(
        "accounts.Agreement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Empty name: the user's working cart for the counterparty; otherwise a saved cart.
    name = models.CharField(_("name"), max_length=200, blank=True)
    shared = models.BooleanField(_("shared with colleagues"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        ordering = ["name", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "counterparty"], condition=Q(name=""), name="cart_one_working_cart"
            )
        ]

    def __str__(self) -> str:
        return self.name or str(_("Cart"))


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"
