import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.comms.sms import MemorySmsSender
from kabinet.orders.tests.factories import goods_make


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path):
    """Fresh caches (section trees are keyed by reused ids), media and SMS outbox per test."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KABINET_SMS_BACKEND = "kabinet.comms.sms.MemorySmsSender"
    MemorySmsSender.outbox = []
    mail.outbox = []
    with translation.override("en"):  # messages asserted as written, before and after translation
        yield
    cache.clear()


@pytest.fixture
def scope(partner_admin):
    return scope_for(partner_admin)


@pytest.fixture
def goods(partner):
    """Two products priced at 100.00 (VAT 10%) for every agreement of the partner."""
    return goods_make(partner, n=2)


@pytest.fixture
def english_client(partner_admin):
    """The partner's administrator with the interface in English (texts asserted as written)."""
    client = client_for(partner_admin)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
