import pytest
from django.core.cache import cache
from django.utils import translation

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import scope_for


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files in a folder of the test's own, caches fresh, texts asserted in English."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def buyer(partner_admin):
    return partner_admin


@pytest.fixture
def scope(buyer):
    return scope_for(buyer)


@pytest.fixture
def agreement(partner):
    """The head company's agreement: the one the user acts for by default."""
    return (
        Agreement.objects.select_related("counterparty", "price_type")
        .filter(counterparty__partner=partner, counterparty__parent=None)
        .get()
    )
