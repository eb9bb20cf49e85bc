import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from kabinet.accounts.models import Counterparty, Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.sms import MemorySmsSender
from kabinet.orders.tests.factories import goods_make


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings):
    cache.clear()
    settings.KABINET_SMS_BACKEND = "kabinet.comms.sms.MemorySmsSender"
    MemorySmsSender.outbox = []
    mail.outbox = []
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def goods(partner):
    """Two products at 100.00 (VAT 10%) for every agreement of the partner."""
    return goods_make(partner, n=2)


@pytest.fixture
def buyer(partner):
    return UserFactory(
        partner=partner,
        email="buyer@alpha.example",
        full_name="Alpha Buyer",
        sections=[Section.CATALOG, Section.ORDERS],
    )


@pytest.fixture
def head(partner):
    return Counterparty.objects.get(partner=partner, parent=None)


@pytest.fixture
def branch(partner):
    return Counterparty.objects.get(partner=partner, parent__isnull=False)


def scope_of(user):
    user.refresh_from_db()
    return scope_for(user)
