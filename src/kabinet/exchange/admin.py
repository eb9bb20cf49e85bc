"""The exchange log for staff (J4): sessions, their files, counts, errors, and a re-run.

The log is a record: nothing in it is added, changed or deleted by hand (a deleted file row
would hide what 1C sent). Staff only read it and may queue a file's import again.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kabinet.exchange.counts import counts_display, counts_warnings
from kabinet.exchange.models import ExchangeFile, ExchangeSession


class ReadOnlyAdminMixin:
    """View only: no add, change or delete, whoever asks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CountsDisplayMixin:
    @admin.display(description=_("objects"))
    def objects_display(self, obj):
        return counts_display(obj.counts)

    @admin.display(description=_("warnings"))
    def warnings_display(self, obj):
        return "; ".join(counts_warnings(obj.counts)) or "—"

    @admin.display(description=_("duration"))
    def duration_display(self, obj):
        duration = obj.duration
        if duration is None:
            return "—"
        seconds = round(duration.total_seconds())
        return _("%(minutes)s min %(seconds)s s") % {
            "minutes": seconds // 60,
            "seconds": seconds % 60,
        }


class ExchangeFileInline(ReadOnlyAdminMixin, CountsDisplayMixin, admin.TabularInline):
    model = ExchangeFile
    fields = [
        "name",
        "size",
        "chunks",
        "kind",
        "status",
        "objects_display",
        "warnings_display",
        "error",
        "duration_display",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(ExchangeSession)
class ExchangeSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "kind", "user", "version", "status", "finished_at", "remote_addr"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]
    fields = [
        "kind",
        "user",
        "version",
        "zip",
        "status",
        "started_at",
        "finished_at",
        "closed",
        "remote_addr",
        "error",
        "queried_at",
    ]
    readonly_fields = fields
    inlines = [ExchangeFileInline]


@admin.register(ExchangeFile)
class ExchangeFileAdmin(ReadOnlyAdminMixin, CountsDisplayMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "session",
        "kind",
        "status",
        "size",
        "objects_display",
        "received_at",
        "finished_at",
        "price_types_not_mapped",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["session"]
    search_fields = ["name", "error"]
    fields = [
        "session",
        "name",
        "size",
        "chunks",
        "kind",
        "status",
        "objects_display",
        "warnings_display",
        "error",
        "received_at",
        "started_at",
        "finished_at",
        "duration_display",
        "price_types_not_mapped",
    ]
    readonly_fields = fields
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

    def has_rerun_permission(self, request):
        # The log itself is read-only; queuing an import again is a right of its own.
        return request.user.has_perm("exchange.change_exchangefile")

    @admin.action(description=_("Import again"), permissions=["rerun"])
    def rerun(self, request, queryset):
        from kabinet.exchange.services import exchange_file_rerun

        for file in queryset:
            exchange_file_rerun(file_id=file.pk)
        messages.info(request, _("The import is queued again."))
