import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

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
