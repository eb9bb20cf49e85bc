import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.finance.models import Payment
from kabinet.finance.selectors import (
    credit_positions_for,
    payment_totals,
    payments_for,
    reconciliation_act_for,
    reconciliation_requests_for,
    schedule_for,
)
from kabinet.finance.tests.factories import finance_make


@pytest.fixture
def books(partner, other_partner):
    return finance_make(partner), finance_make(other_partner)


@pytest.fixture
def scope(partner_admin):
    return scope_for(partner_admin)


def test_a_partner_sees_only_its_own_finance_data(scope, books):
    mine, theirs = books

    assert {p.pk for p in payments_for(scope=scope)} == {p.pk for p in mine["payments"]}
    assert {s.pk for s in schedule_for(scope=scope)} == {s.pk for s in mine["schedule"]}
    assert {r.pk for r in reconciliation_requests_for(scope=scope)} == {
        r.pk for r in mine["requests"]
    }
    with pytest.raises(Http404):
        reconciliation_act_for(scope=scope, request_id=theirs["requests"][1].pk)
    assert reconciliation_act_for(scope=scope, request_id=mine["requests"][1].pk).act
    with pytest.raises(Http404):  # not ready yet
        reconciliation_act_for(scope=scope, request_id=mine["requests"][0].pk)
    positions = list(credit_positions_for(scope=scope))
    assert {a.counterparty.partner_id for a in positions} == {scope.partner_id}


def test_an_employee_restricted_to_a_counterparty_sees_only_its_rows(partner, books):
    other_entity = partner.counterparties.order_by("pk")[1]
    user = UserFactory(partner=partner, sections=[Section.FINANCE])
    user.counterparties.set([other_entity])
    scope = scope_for(user)

    assert list(payments_for(scope=scope)) == []
    assert list(schedule_for(scope=scope)) == []
    assert [a.counterparty_id for a in credit_positions_for(scope=scope)] == [other_entity.pk]


def test_finance_needs_its_section(partner, books):
    scope = scope_for(UserFactory(partner=partner, sections=[Section.ORDERS]))

    with pytest.raises(PermissionDenied):
        payments_for(scope=scope)


def test_payments_filter_and_totals(scope, books, partner, django_assert_num_queries):
    counterparty = partner.counterparties.order_by("pk").first()
    today = timezone.localdate()
    payments = payments_for(scope=scope, date_from=today - datetime.timedelta(days=45))

    with django_assert_num_queries(1):
        totals = payment_totals(payments=payments, group_by="counterparty")

    assert [(t.key, t.count, t.amount) for t in totals] == [
        (counterparty.pk, 1, Decimal("1000.00"))
    ]
    assert [p.number for p in payments_for(scope=scope, number="-2")] == [
        Payment.objects.get(partner=partner, number__endswith="-2").number
    ]


def test_credit_positions_show_limit_debt_and_what_is_available(scope, books, partner):
    agreement = partner.counterparties.order_by("pk").first().agreements.order_by("pk").first()

    position = next(a for a in credit_positions_for(scope=scope) if a.pk == agreement.pk)

    assert (
        position.credit_limit,
        position.debt_amount,
        position.overdue_amount,
        position.available,
    ) == (
        Decimal("100000.00"),
        Decimal("5000.00"),
        Decimal("1000.00"),
        Decimal("95000.00"),
    )


def test_the_calendar_lists_open_lines_by_due_date_in_few_queries(
    scope, books, django_assert_num_queries
):
    with django_assert_num_queries(1):
        lines = [(line.due_date, line.counterparty.name) for line in schedule_for(scope=scope)]

    today = timezone.localdate()
    assert [due for due, _name in lines] == [
        today - datetime.timedelta(days=5),
        today,
        today + datetime.timedelta(days=10),
    ]
