"""Django admin of the catalog for the supplier's staff.

Saving a product, a variant or a barcode rewrites the product's search text; saving a section
drops the cached section tree. Search here uses the same normalised text as the portal, so a
Cyrillic name is found whatever its case on SQLite too.
"""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kabinet.catalog.models import (
    Barcode,
    Brand,
    Product,
    ProductDocument,
    ProductImage,
    ProductProperty,
    Property,
    Section,
    Variant,
)
from kabinet.catalog.services import (
    catalog_cache_clear,
    product_search_text_refresh,
    search_tokens,
)


def _refresh_later(product_ids) -> None:
    ids = list(product_ids)
    transaction.on_commit(lambda: product_search_text_refresh(ids))


class CatalogCacheMixin:
    """Any change of these models may change the section tree or the facets."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalog_cache_clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(catalog_cache_clear)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(catalog_cache_clear)


@admin.register(Section)
class SectionAdmin(CatalogCacheMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "sort", "is_active", "ext_id"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "ext_id"]
    autocomplete_fields = ["parent"]


@admin.register(Brand)
class BrandAdmin(CatalogCacheMixin, admin.ModelAdmin):
    list_display = ["name", "ext_id"]
    search_fields = ["name", "ext_id"]


@admin.register(Property)
class PropertyAdmin(CatalogCacheMixin, admin.ModelAdmin):
    list_display = ["name", "is_filter", "sort", "ext_id"]
    list_filter = ["is_filter"]
    search_fields = ["name", "ext_id"]


class VariantInline(admin.TabularInline):
    model = Variant
    fields = ["name", "color", "size", "sort", "is_active", "ext_id"]
    extra = 0
    show_change_link = True


class ProductPropertyInline(admin.TabularInline):
    model = ProductProperty
    fields = ["property", "value"]
    autocomplete_fields = ["property"]
    extra = 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    fields = ["file", "sort"]
    extra = 0


class ProductDocumentInline(admin.TabularInline):
    model = ProductDocument
    fields = ["kind", "title", "number", "valid_until", "file", "ext_id"]
    extra = 0


class SearchTextMixin:
    """Admin search by the words of the portal's search (name, article, codes, barcodes)."""

    search_fields = ["search_text"]  # enables the search box; the lookup is ours
    search_text_path = "search_text"

    def get_search_results(self, request, queryset, search_term):
        for token in search_tokens(search_term):
            queryset = queryset.filter(**{f"{self.search_text_path}__contains": token})
        return queryset, False


@admin.register(Product)
class ProductAdmin(SearchTextMixin, CatalogCacheMixin, admin.ModelAdmin):
    list_display = ["name", "article", "erp_code", "section", "brand", "is_active", "updated_at"]
    list_filter = ["is_active", "brand"]
    list_select_related = ["section", "brand"]
    autocomplete_fields = ["section", "brand"]
    readonly_fields = ["search_text", "updated_at"]
    inlines = [VariantInline, ProductPropertyInline, ProductImageInline, ProductDocumentInline]
    fieldsets = [
        (None, {"fields": ["name", "section", "brand", "article", "erp_code", "ext_id"]}),
        (_("Description"), {"fields": ["description"]}),
        (
            _("Ordering"),
            {
                "fields": [
                    "unit",
                    "fractional",
                    "vat_rate",
                    "order_multiple",
                    "min_quantity",
                    "weight_kg",
                    "volume_m3",
                    "is_active",
                ]
            },
        ),
        (_("Search"), {"fields": ["search_text", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _refresh_later([form.instance.pk])


class BarcodeInline(admin.TabularInline):
    model = Barcode
    fields = ["code"]
    extra = 1


@admin.register(Variant)
class VariantAdmin(SearchTextMixin, admin.ModelAdmin):
    list_display = ["__str__", "color", "size", "is_active", "ext_id"]
    list_filter = ["is_active"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
    inlines = [BarcodeInline]
    search_text_path = "product__search_text"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _refresh_later([form.instance.product_id])

    def delete_model(self, request, obj):
        product_id = obj.product_id
        super().delete_model(request, obj)
        _refresh_later([product_id])

    def delete_queryset(self, request, queryset):
        product_ids = set(queryset.values_list("product_id", flat=True))
        super().delete_queryset(request, queryset)
        _refresh_later(product_ids)
