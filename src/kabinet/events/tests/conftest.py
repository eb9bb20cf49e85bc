import pytest

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.sms import MemorySmsSender


@pytest.fixture
def buyer(partner):
    return UserFactory(
        partner=partner,
        email="buyer@alpha.example",
        phone="+79990000001",
        full_name="Alpha Buyer",
        sections=["catalog", "orders"],
    )


@pytest.fixture
def colleague(partner):
    return UserFactory(
        partner=partner,
        email="colleague@alpha.example",
        phone="+79990000002",
        full_name="Alpha Colleague",
        sections=["orders"],
    )


@pytest.fixture
def scope_of():
    return scope_for


@pytest.fixture(autouse=True)
def _sms_outbox():
    MemorySmsSender.outbox.clear()
    yield
    MemorySmsSender.outbox.clear()
