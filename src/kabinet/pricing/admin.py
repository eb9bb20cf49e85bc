from django.contrib import admin

from kabinet.pricing.models import PriceType


@admin.register(PriceType)
class PriceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "vat_included", "ext_id"]
    search_fields = ["name", "ext_id"]
