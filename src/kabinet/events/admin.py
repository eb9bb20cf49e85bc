"""Events, news and partner groups for the supplier's staff.

Publishing happens here: an event or news item is seen by partners once "published" is
ticked, by the audience chosen. Registrations are shown on the event and changed only by
partners (the staff see who comes); raising an event's capacity seats the people waiting.
News pictures are re-encoded on upload (`services.news_image_set`).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kabinet.events import services
from kabinet.events.models import Event, News, PartnerGroup, Registration


@admin.register(PartnerGroup)
class PartnerGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["partners"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["user", "partner", "status", "registered_by", "queued_at", "reminded_at"]
    readonly_fields = fields
    ordering = ["status", "queued_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False


AUDIENCE_FIELDS = (_("Audience"), {"fields": ["audience", "partners", "groups"]})


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "capacity", "audience", "is_published"]
    list_filter = ["kind", "is_published", "audience"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    filter_horizontal = ["partners", "groups"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "description", "is_published"]}),
        (_("Where and when"), {"fields": ["online_url", "place", "starts_at", "ends_at"]}),
        (_("Registration"), {"fields": ["capacity", "registration_deadline"]}),
        AUDIENCE_FIELDS,
    ]
    inlines = [RegistrationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "capacity" in form.changed_data:
            services.event_waitlist_advance(event_id=form.instance.pk)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Who comes to what, across events: a view for the staff (partners register and cancel)."""

    list_display = ["event", "user", "partner", "status", "queued_at", "reminded_at"]
    list_filter = ["status", "event__kind", "event"]
    list_select_related = ["event", "user", "partner"]
    search_fields = ["user__full_name", "user__email", "partner__name", "event__title"]
    date_hierarchy = "queued_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NewsForm(forms.ModelForm):
    picture = forms.ImageField(
        label=_("picture"),
        required=False,
        help_text=_("JPEG, PNG or WebP; it is re-encoded, metadata removed, at most 1600 px."),
    )
    remove_picture = forms.BooleanField(label=_("remove the picture"), required=False)

    class Meta:
        model = News
        fields = ["title", "text", "published_at", "is_published", "audience", "partners", "groups"]

    def clean_picture(self):
        picture = self.cleaned_data.get("picture")
        if picture:
            try:
                services.image_reencode(picture)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return picture


@admin.register(News)
class NewsAdmin(admin.ModelAdmin):
    form = NewsForm
    list_display = ["title", "published_at", "audience", "is_published"]
    list_filter = ["is_published", "audience"]
    search_fields = ["title", "text"]
    filter_horizontal = ["partners", "groups"]
    fieldsets = [
        (None, {"fields": ["title", "text", "picture", "remove_picture"]}),
        (_("Publication"), {"fields": ["published_at", "is_published"]}),
        AUDIENCE_FIELDS,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("image")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("picture"):
            services.news_image_set(news=obj, upload=form.cleaned_data["picture"])
        elif form.cleaned_data.get("remove_picture"):
            services.news_image_set(news=obj, upload=None)
