"""Django admin for the supplier's staff: partners, their companies and users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, Counterparty, DeliveryAddress, Partner, User
from kabinet.accounts.phones import phone_normalize


class ContactsCleanMixin:
    """E-mails lower-cased and phones in E.164, as the login lookup expects them."""

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return None
        phone = phone_normalize(raw)
        if phone is None:
            raise ValidationError(_("This is not a phone number."))
        return phone


class StaffUserCreationForm(ContactsCleanMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "phone"]


class StaffUserChangeForm(ContactsCleanMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class CounterpartyInline(admin.TabularInline):
    model = Counterparty
    fields = ["name", "inn", "kpp", "parent", "ext_id", "is_active"]
    extra = 0
    show_change_link = True


class AgreementInline(admin.TabularInline):
    model = Agreement
    fields = [
        "name",
        "number",
        "price_type",
        "currency",
        "payment_deferral_days",
        "credit_limit",
        "ext_id",
        "is_active",
    ]
    extra = 0


class DeliveryAddressInline(admin.TabularInline):
    model = DeliveryAddress
    fields = ["address", "ext_id", "is_active"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "manager", "ext_id", "is_active", "created_at"]
    list_filter = ["is_active", "manager"]
    search_fields = ["name", "ext_id", "counterparties__inn", "counterparties__name"]
    list_select_related = ["manager"]
    inlines = [CounterpartyInline]


@admin.register(Counterparty)
class CounterpartyAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "inn", "kpp", "parent", "ext_id", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "inn", "ext_id", "partner__name"]
    list_select_related = ["partner", "parent"]
    raw_id_fields = ["partner", "parent"]
    inlines = [AgreementInline, DeliveryAddressInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "counterparty",
        "price_type",
        "currency",
        "payment_deferral_days",
        "credit_limit",
        "is_active",
    ]
    list_filter = ["is_active", "currency", "price_type"]
    search_fields = ["name", "number", "ext_id", "counterparty__name"]
    list_select_related = ["counterparty", "price_type"]
    raw_id_fields = ["counterparty"]


@admin.register(DeliveryAddress)
class DeliveryAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "counterparty", "ext_id", "is_active"]
    search_fields = ["address", "ext_id", "counterparty__name"]
    list_select_related = ["counterparty"]
    raw_id_fields = ["counterparty"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    ordering = ["email"]
    list_display = ["__str__", "email", "phone", "partner", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "must_change_password"]
    search_fields = ["email", "phone", "full_name", "partner__name"]
    list_select_related = ["partner"]
    raw_id_fields = ["partner"]
    filter_horizontal = ["groups", "user_permissions", "counterparties"]
    fieldsets = [
        (None, {"fields": ["email", "phone", "password"]}),
        (_("Person"), {"fields": ["full_name", "position"]}),
        (_("Partner access"), {"fields": ["partner", "sections", "counterparties"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "must_change_password",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "phone", "usable_password", "password1", "password2"],
            },
        ),
    ]
