"""Orders for the supplier's staff: find an order and look at it; send it to 1C again.

Read-mostly: orders are the partner's and 1C's documents. Lines, totals and prices are never
edited here (the change page is a view, a POST to it is refused); statuses move through the
orders services. The one action, "send to 1C again", queues orders for 1C's next query through
`order_export_requeue`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kabinet.exchange.orders_out import (
    ExportState,
    export_state,
    export_state_filter,
    orders_with_export_state,
)
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment
from kabinet.orders.services import order_export_requeue


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may look at the order sees its lines, history and shipments.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = [
        "product_name",
        "article",
        "unit",
        "quantity",
        "confirmed_quantity",
        "shipped_quantity",
        "price",
        "vat_rate",
        "amount",
        "shortage_answer",
    ]


class OrderEventInline(_ReadOnlyInline):
    model = OrderEvent
    verbose_name_plural = _("history")
    fields = ["created_at", "previous_status", "status", "actor", "author", "comment"]


class ShipmentInline(_ReadOnlyInline):
    model = Shipment
    fields = ["number", "date", "document_title", "document"]


class ExportStateFilter(admin.SimpleListFilter):
    title = _("exchange with 1C")
    parameter_name = "exchange"

    def lookups(self, request, model_admin):
        return ExportState.choices

    def queryset(self, request, queryset):
        if self.value() in ExportState.values:
            return export_state_filter(queryset, self.value())
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "erp_number",
        "partner",
        "counterparty",
        "status",
        "total",
        "currency",
        "created_at",
        "sent_at",
        "exchange_state",
    ]
    list_filter = ["status", ExportStateFilter, "created_at", "partner"]
    search_fields = ["number", "erp_number"]
    search_help_text = _("Order number in the portal or in 1C.")
    date_hierarchy = "created_at"
    list_select_related = ["partner", "counterparty"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["number", "erp_number", "status", "exchange_state"]}),
        (
            _("Partner"),
            {"fields": ["partner", "counterparty", "agreement", "address", "author"]},
        ),
        (_("Order"), {"fields": ["desired_date", "comment", "currency", "total", "vat_total"]}),
        (
            _("Dates"),
            {"fields": ["created_at", "sent_at", "updated_at", "created_in_erp", "ext_id"]},
        ),
    ]
    readonly_fields = ["exchange_state"]
    inlines = [OrderLineInline, OrderEventInline, ShipmentInline]
    actions = ["resend_to_1c"]
    change_form_template = "admin/orders/order/change_form.html"

    def get_urls(self):
        resend = self.admin_site.admin_view(self.resend_view)
        return [
            path("<int:object_id>/resend/", resend, name="orders_order_resend"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_resend"] = self.has_resend_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_queryset(self, request):
        return orders_with_export_state(super().get_queryset(request))

    @admin.display(description=_("exchange with 1C"))
    def exchange_state(self, obj):
        return ExportState(export_state(obj)).label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the order page is a view; see `resend_to_1c` for the one change

    def has_resend_permission(self, request):
        return request.user.has_perm("orders.change_order")

    def _resend(self, request, orders) -> int:
        queued = 0
        for order in orders:
            try:
                order_export_requeue(order_id=order.pk, author=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.warning(request, message)
                continue
            self.log_change(request, order, str(_("Sent to 1C again.")))
            queued += 1
        return queued

    def resend_view(self, request, object_id: int):
        """The order page's "Send to 1C again" button (POST only)."""
        if request.method != "POST" or not self.has_resend_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=object_id)
        self._report(request, self._resend(request, [order]))
        return redirect("admin:orders_order_change", order.pk)

    @admin.action(description=_("Send to 1C again"), permissions=["resend"])
    def resend_to_1c(self, request, queryset):
        self._report(request, self._resend(request, queryset.order_by("pk")))

    def _report(self, request, queued: int) -> None:
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)s order is queued for 1C: it goes with 1C's next exchange.",
                    "%(count)s orders are queued for 1C: they go with 1C's next exchange.",
                    queued,
                )
                % {"count": queued},
            )
