"""The exchange log for staff (J4): sessions, their files, counts, errors, and a re-run."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kabinet.exchange.models import ExchangeFile, ExchangeSession


class ExchangeFileInline(admin.TabularInline):
    model = ExchangeFile
    fields = ["name", "size", "chunks", "kind", "status", "counts", "error", "duration"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExchangeSession)
class ExchangeSessionAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "user", "version", "status", "finished_at", "remote_addr"]
    list_filter = ["kind", "status"]
    readonly_fields = [
        "kind",
        "user",
        "version",
        "zip",
        "status",
        "started_at",
        "finished_at",
        "remote_addr",
        "error",
        "queried_at",
    ]
    exclude = ["token", "sessid", "queried_orders"]
    inlines = [ExchangeFileInline]

    def has_add_permission(self, request):
        return False


@admin.register(ExchangeFile)
class ExchangeFileAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "session",
        "kind",
        "status",
        "size",
        "received_at",
        "finished_at",
        "price_types_not_mapped",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["session"]
    search_fields = ["name", "error"]
    readonly_fields = [f.name for f in ExchangeFile._meta.fields] + ["price_types_not_mapped"]
    actions = ["rerun"]

    @admin.display(description=_("price types not mapped"))
    def price_types_not_mapped(self, obj):
        """Price types this file priced in that no agreement uses (new ones 1C did not declare
        are counted apart): their prices reach no partner until staff map them."""
        ext_ids = (obj.counts or {}).get("price_types_not_mapped") or []
        created = (obj.counts or {}).get("price_types_unknown", 0)
        if not ext_ids and not created:
            return "—"
        url = reverse("admin:pricing_pricetype_changelist")
        text = _("%(count)s not mapped") % {"count": len(ext_ids)}
        if created:
            text += ", " + _("%(count)s new, not declared by 1C") % {"count": created}
        return format_html(
            '<a href="{}?mapped=no" title="{}">{}</a>', url, ", ".join(ext_ids), text
        )

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Import again"))
    def rerun(self, request, queryset):
        from kabinet.exchange.services import exchange_file_rerun

        for file in queryset:
            exchange_file_rerun(file_id=file.pk)
        messages.info(request, _("The import is queued again."))
