"""Staff: finance data as the ERP sent it, and reconciliation requests — where a manager can
upload an act by hand (or refuse) when the ERP cannot."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kabinet.finance import services
from kabinet.finance.models import (
    Debt,
    OrderPayment,
    Payment,
    ReconciliationRequest,
    ScheduleItem,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(_ReadOnly):
    list_display = ["date", "number", "counterparty", "agreement", "amount", "currency"]
    list_select_related = ["counterparty", "agreement"]
    list_filter = ["date"]
    search_fields = ["number", "ext_id", "counterparty__name", "purpose"]
    date_hierarchy = "date"
    raw_id_fields = ["partner", "counterparty", "agreement"]


@admin.register(Debt)
class DebtAdmin(_ReadOnly):
    list_display = ["agreement", "counterparty", "balance", "overdue", "as_of", "currency"]
    list_select_related = ["agreement", "counterparty"]
    search_fields = ["agreement__name", "agreement__ext_id", "counterparty__name"]
    raw_id_fields = ["partner", "counterparty", "agreement"]


@admin.register(ScheduleItem)
class ScheduleItemAdmin(_ReadOnly):
    list_display = ["due_date", "document", "counterparty", "amount", "paid", "remaining"]
    list_select_related = ["counterparty"]
    search_fields = ["document", "ext_id", "counterparty__name"]
    date_hierarchy = "due_date"
    raw_id_fields = ["partner", "counterparty", "agreement"]


@admin.register(OrderPayment)
class OrderPaymentAdmin(_ReadOnly):
    list_display = ["order", "status", "paid_amount", "paid_date", "updated_at"]
    list_filter = ["status"]
    search_fields = ["order__number"]
    raw_id_fields = ["order"]


class ReconciliationForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Upload the act (PDF)"),
        required=False,
        help_text=_("The request becomes ready and the partner can download the act."),
    )
    refuse_with = forms.CharField(
        label=_("Or refuse with the reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = ReconciliationRequest
        fields: list[str] = []

    def _max_bytes(self) -> int:
        return int(settings.KABINET_ERP_ACT_MAX_MB * 1024 * 1024)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        if upload.size > self._max_bytes():
            raise ValidationError(
                services.PDF_TOO_LARGE % {"mb": f"{settings.KABINET_ERP_ACT_MAX_MB:g}"}
            )
        content = upload.read()
        services.act_check(content=content, max_bytes=self._max_bytes())
        return content

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("upload") and cleaned.get("refuse_with"):
            raise ValidationError(_("Either upload the act or refuse the request, not both."))
        return cleaned


@admin.register(ReconciliationRequest)
class ReconciliationRequestAdmin(admin.ModelAdmin):
    form = ReconciliationForm
    list_display = [
        "created_at",
        "partner",
        "counterparty",
        "period_from",
        "period_to",
        "with_stamp",
        "status",
    ]
    list_filter = ["status", "with_stamp"]
    list_select_related = ["partner", "counterparty"]
    search_fields = ["counterparty__name", "counterparty__inn", "partner__name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "partner",
        "counterparty",
        "requested_by",
        "period_from",
        "period_to",
        "with_stamp",
        "status",
        "refusal_reason",
        "act_link",
        "created_at",
        "taken_at",
        "finished_at",
    ]
    fields = [*readonly_fields, "upload", "refuse_with"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("act (PDF)"))
    def act_link(self, obj):
        if not obj.act:
            return "—"
        url = reverse("admin:finance_reconciliationrequest_act", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self):
        act = self.admin_site.admin_view(self.act_download)
        return [
            path("<int:request_id>/act/", act, name="finance_reconciliationrequest_act"),
            *super().get_urls(),
        ]

    def act_download(self, request, request_id: int):
        if not self.has_view_permission(request):
            raise Http404
        obj = ReconciliationRequest.objects.filter(pk=request_id).first()
        if obj is None or not obj.act:
            raise Http404
        return FileResponse(
            obj.act.open("rb"), as_attachment=True, filename=obj.act.name.rsplit("/", 1)[-1]
        )

    def save_model(self, request, obj, form, change):
        content = form.cleaned_data.get("upload")
        reason = (form.cleaned_data.get("refuse_with") or "").strip()
        try:
            if content:
                services.reconciliation_act_attach(
                    request_id=obj.pk, content=content, max_bytes=len(content)
                )
            elif reason:
                services.reconciliation_request_refuse(request_id=obj.pk, reason=reason)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level="error")
