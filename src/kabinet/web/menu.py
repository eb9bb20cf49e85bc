"""The partner's menu: only the sections the user may use (the server enforces them too)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Section
from kabinet.web.selectors import (
    counterparties_for_switcher,
    current_agreement,
    current_counterparty,
)


@dataclass(frozen=True)
class MenuItem:
    title: str | Promise
    url_name: str
    icon: str
    section: str | None


MENU = [
    MenuItem(_("Home"), "web:home", "house", None),
    MenuItem(_("Catalog"), "catalog:list", "grid", Section.CATALOG),
    MenuItem(_("Cart"), "cart:detail", "cart3", Section.CATALOG),
    MenuItem(_("Quick order"), "imports:upload", "file-earmark-arrow-up", Section.CATALOG),
    MenuItem(_("Saved carts"), "cart:saved", "bookmark", Section.CATALOG),
    MenuItem(_("Orders"), "orders:list", "receipt", Section.ORDERS),
    MenuItem(_("Claims"), "claims:list", "exclamation-triangle", Section.ORDERS),
    MenuItem(_("Events"), "events:list", "calendar-event", None),
    MenuItem(_("News"), "news:list", "newspaper", None),
    MenuItem(_("Messages"), "conversations:list", "chat-dots", None),
    MenuItem(_("Payment calendar"), "finance:calendar", "calendar3", Section.FINANCE),
    MenuItem(_("Payments"), "finance:report", "cash-coin", Section.FINANCE),
    MenuItem(_("Reconciliation acts"), "finance:acts", "file-earmark-check", Section.FINANCE),
    MenuItem(_("Approvals"), "approvals:list", "check2-square", None),
    MenuItem(_("Notifications"), "comms:list", "bell", None),
    MenuItem(_("Company"), "accounts:company", "building", None),
    MenuItem(_("Employees"), "accounts:employee-list", "people", Section.EMPLOYEES),
]


def menu_for(request) -> dict:
    scope = request.scope
    path = request.path
    items = []
    for item in MENU:
        if item.section is not None and not scope.can(item.section):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"title": item.title, "url": url, "icon": item.icon, "active": active})
    partner = scope.user.partner
    # Lazy: an htmx fragment rendered with this context but not showing the header (a cart
    # row, a list of results) must not pay for the switcher's queries.
    return {
        "menu": items,
        "partner": partner,
        "manager": partner.manager,
        "current_counterparty": SimpleLazyObject(lambda: current_counterparty(request)),
        "current_agreement": SimpleLazyObject(lambda: current_agreement(request)),
        "switcher_counterparties": SimpleLazyObject(lambda: counterparties_for_switcher(request)),
    }
