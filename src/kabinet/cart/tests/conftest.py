import pytest
from django.core.cache import cache
from django.utils import translation

from kabinet.accounts.scope import scope_for
from kabinet.catalog.tests.factories import catalog_make


@pytest.fixture(autouse=True)
def _fresh_cache_in_english():
    """Section trees are cached by ids that the next test reuses; texts asserted as written."""
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def scope(partner_admin):
    return scope_for(partner_admin)


@pytest.fixture
def agreement(partner):
    """The head company's agreement (the one the user acts for by default)."""
    from kabinet.accounts.models import Agreement

    return (
        Agreement.objects.select_related("counterparty", "price_type")
        .filter(counterparty__partner=partner, counterparty__parent=None)
        .get()
    )


@pytest.fixture
def goods(partner):
    """Three products at 100.00 (VAT 10%), 10 in stock, priced for every agreement of partner."""
    return catalog_make(partner, products=3)
