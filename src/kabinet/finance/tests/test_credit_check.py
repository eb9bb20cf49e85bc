"""Checkout's credit check reads the debt the ERP sent (orders/checkout.py, point 4)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from kabinet.finance.services import debts_upsert
from kabinet.orders.checkout import credit_status
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


@pytest.fixture
def agreement(partner, partner_admin, settings):
    """A 1,000.00 limit; orders of 200.00: sent, assembling, shipped today, shipped long ago."""
    settings.KABINET_CREDIT_CHECK = "block"
    variants = goods_make(partner, n=1)
    counterparty = partner.counterparties.order_by("pk").first()
    agreement = counterparty.agreements.order_by("pk").first()
    agreement.credit_limit = Decimal("1000.00")
    agreement.save()
    now = timezone.now()
    for status, age in (
        (Status.SENT, 0),
        (Status.ASSEMBLING, 0),
        (Status.SHIPPED, 0),
        (Status.SHIPPED, 30),
        (Status.COMPLETED, 60),
        (Status.DRAFT, 0),
    ):
        order_make(
            author=partner_admin,
            variants=variants,
            status=status,
            counterparty=counterparty,
            created_at=now - datetime.timedelta(days=age, hours=1),
        )
    return agreement


def _debt(agreement, balance: str, as_of: datetime.date) -> None:
    item = SimpleNamespace(
        agreement_ext_id=agreement.ext_id,
        balance=Decimal(balance),
        overdue=Decimal(0),
        as_of=as_of,
        currency="RUB",
    )
    debts_upsert(items=[item], deleted=[])


def test_without_a_debt_from_the_erp_every_order_in_work_counts(agreement):
    status = credit_status(agreement=agreement, amount=Decimal("250.00"))

    assert (status.debt, status.in_work, status.available) == (
        None,
        Decimal("800.00"),
        Decimal("200.00"),
    )
    assert status.blocks
    with translation.override("en"):
        message = status.message
    assert message == (
        "The order takes the agreement over its credit limit: limit 1,000.00\xa0₽, orders in "
        "work 800.00\xa0₽, this order 250.00\xa0₽."
    )


def test_the_erp_debt_replaces_the_orders_it_already_contains(agreement):
    # Shipped 30 days ago: in the ERP's debt as of a week ago; today's shipment is not yet.
    _debt(agreement, "300.00", timezone.localdate() - datetime.timedelta(days=7))

    status = credit_status(agreement=agreement, amount=Decimal("250.00"))

    assert (status.debt, status.in_work, status.available) == (
        Decimal("300.00"),
        Decimal("600.00"),
        Decimal("100.00"),
    )
    assert status.blocks
    with translation.override("en"):
        message = status.message
    assert message == (
        "The order takes the agreement over its credit limit: limit 1,000.00\xa0₽, debt "
        "300.00\xa0₽, orders in work 600.00\xa0₽, this order 250.00\xa0₽."
    )


def test_a_prepayment_reported_by_the_erp_frees_the_limit(agreement):
    _debt(agreement, "-500.00", timezone.localdate())

    status = credit_status(agreement=agreement, amount=Decimal("900.00"))

    assert (status.in_work, status.available, status.exceeded) == (
        Decimal("400.00"),
        Decimal("1100.00"),
        False,
    )
