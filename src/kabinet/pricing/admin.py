"""Django admin of prices, stock and assortment for the supplier's staff.

These rows usually come from 1C; the admin is for looking and for the odd correction. Prices and
stock are read live by the portal, so a change here shows at once (nothing to refresh).
"""

from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kabinet.catalog.services import catalog_cache_clear
from kabinet.pricing.models import (
    AssortmentRule,
    PartnerPrice,
    Price,
    PriceType,
    Stock,
    Warehouse,
)


class PriceTypeMappedFilter(admin.SimpleListFilter):
    """1C sends price types, not agreements: a type no agreement uses is not shown to anyone."""

    title = _("mapped to agreements")
    parameter_name = "mapped"

    def lookups(self, request, model_admin):
        return [("yes", _("Mapped")), ("no", _("Not mapped"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(agreements__isnull=True)
        if self.value() == "yes":
            return queryset.filter(agreements__isnull=False).distinct()
        return queryset


@admin.register(PriceType)
class PriceTypeAdmin(admin.ModelAdmin):
    """Staff map each 1C price type (by its 1C id) to agreements: an agreement's price type
    is set on the agreement; this page lists the agreements that use it."""

    list_display = ["name", "currency", "vat_included", "ext_id", "agreement_count"]
    list_filter = [PriceTypeMappedFilter]
    search_fields = ["name", "ext_id"]
    readonly_fields = ["agreements_using"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(agreement_count=Count("agreements"))

    @admin.display(description=_("agreements"), ordering="agreement_count")
    def agreement_count(self, obj):
        if not obj.agreement_count:
            return _("not mapped")
        url = reverse("admin:accounts_agreement_changelist")
        return format_html(
            '<a href="{}?price_type__id__exact={}">{}</a>', url, obj.pk, obj.agreement_count
        )

    @admin.display(description=_("agreements using it"))
    def agreements_using(self, obj):
        agreements = obj.pk and obj.agreements.select_related("counterparty").order_by("name")
        if not agreements:
            return _("not mapped: no agreement uses this price type yet")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> — {}',
            (
                (reverse("admin:accounts_agreement_change", args=[a.pk]), a, a.counterparty)
                for a in agreements
            ),
        )


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["variant", "price_type", "amount"]
    list_filter = ["price_type"]
    list_select_related = ["variant__product", "price_type"]
    raw_id_fields = ["variant"]
    search_fields = ["variant__product__article", "variant__product__erp_code", "variant__ext_id"]


@admin.register(PartnerPrice)
class PartnerPriceAdmin(admin.ModelAdmin):
    list_display = ["partner", "variant", "amount", "discount_percent"]
    list_select_related = ["partner", "variant__product"]
    raw_id_fields = ["partner", "variant"]
    search_fields = ["partner__name", "variant__product__article", "variant__product__erp_code"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "sort", "is_active", "ext_id"]
    list_filter = ["is_active"]
    search_fields = ["name", "ext_id"]


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ["variant", "warehouse", "quantity"]
    list_filter = ["warehouse"]
    list_select_related = ["variant__product", "warehouse"]
    raw_id_fields = ["variant"]
    search_fields = ["variant__product__article", "variant__product__erp_code", "variant__ext_id"]


@admin.register(AssortmentRule)
class AssortmentRuleAdmin(admin.ModelAdmin):
    """Limits an agreement to sections and products; changes reach the cached section tree."""

    list_display = ["agreement", "section", "product"]
    list_select_related = ["agreement__counterparty", "section", "product"]
    raw_id_fields = ["agreement", "section", "product"]
    search_fields = ["agreement__name", "agreement__counterparty__name", "agreement__ext_id"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalog_cache_clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(catalog_cache_clear)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(catalog_cache_clear)
