"""Helpers of the catalog tests: the acting user's scope and agreement, a page's product names."""

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import scope_for
from kabinet.catalog.selectors import catalog_page


def head_agreement(partner) -> Agreement:
    """The partner's head company agreement, loaded the way the portal loads it."""
    return (
        Agreement.objects.select_related("counterparty", "price_type")
        .filter(counterparty__partner=partner, counterparty__parent__isnull=True)
        .get()
    )


def names(user, agreement=None, **filters) -> list[str]:
    """Product names of the first catalog page the user sees with these filters."""
    agreement = agreement or head_agreement(user.partner)
    page = catalog_page(scope=scope_for(user), agreement=agreement, per_page=200, **filters)
    return [product.name for product in page.products]
