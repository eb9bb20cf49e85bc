from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from kabinet.accounts.access import public_view
from kabinet.core.views import healthz, readyz

admin.site.site_header = _("Kabinet: supplier staff")
admin.site.site_title = _("Kabinet")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("", include("kabinet.accounts.urls")),
    path("catalog/", include("kabinet.catalog.urls")),
    path("cart/", include("kabinet.cart.urls")),
    path("orders/", include("kabinet.orders.urls")),
    path("finance/", include("kabinet.finance.urls")),
    path("approvals/", include("kabinet.approvals.urls")),
    path("notifications/", include("kabinet.comms.urls")),
    path("quick-order/", include("kabinet.imports.urls")),
    path("events/", include("kabinet.events.urls")),
    path("news/", include("kabinet.events.news_urls")),
    path("messages/", include("kabinet.conversations.urls")),
    path("claims/", include("kabinet.conversations.claim_urls")),
    path("staff/", include("kabinet.conversations.staff_urls")),
    path("api/", include("kabinet.api.urls")),
    path("", include("kabinet.exchange.urls")),
    path("", include("kabinet.web.urls")),
]
