"""Shared fixtures: two partners with their companies, their people and logged-in clients."""

import os
import threading

import pytest
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import (
    PASSWORD,
    AgreementFactory,
    CounterpartyFactory,
    DeliveryAddressFactory,
    PartnerFactory,
    StaffUserFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached section trees and facets name row ids,
    and ids are reused from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Under CI the PostgreSQL run must really be on PostgreSQL (never silently on SQLite)."""
    from django.db import connection

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
    return django_db_setup


def company_make(*, name: str, counterparties: int = 2):
    """A partner with a head company, subsidiaries, an agreement and an address each."""
    partner = PartnerFactory(name=name)
    head = CounterpartyFactory(partner=partner, name=f"{name} head")
    entities = [head] + [
        CounterpartyFactory(partner=partner, parent=head, name=f"{name} branch {n}")
        for n in range(1, counterparties)
    ]
    for entity in entities:
        AgreementFactory(counterparty=entity, name=f"{entity.name} agreement")
        DeliveryAddressFactory(counterparty=entity, address=f"{entity.name} address")
    return partner


@pytest.fixture
def partner(db):
    return company_make(name="Alpha Pharmacy")


@pytest.fixture
def other_partner(db):
    return company_make(name="Omega Clinic")


@pytest.fixture
def partner_admin(partner):
    return UserFactory(partner=partner, email="admin@alpha.example", full_name="Alpha Admin")


@pytest.fixture
def orders_only_employee(partner):
    return UserFactory(
        partner=partner,
        email="orders@alpha.example",
        full_name="Alpha Orders",
        sections=[Section.ORDERS],
    )


@pytest.fixture
def other_admin(other_partner):
    return UserFactory(partner=other_partner, email="admin@omega.example")


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(email="manager@supplier.example", full_name="Supplier Manager")


@pytest.fixture
def partner_client(partner_admin):
    return client_for(partner_admin)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def task_worker(transactional_db, settings):
    """django-tasks-db's own worker loop, in a thread, on the test database (a real worker)."""
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(
        queue_names=["default"],
        interval=0.05,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=10)
