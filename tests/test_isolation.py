import pytest

from kabinet.accounts.access import MACHINE
from kabinet.accounts.tests.factories import UserFactory
from kabinet.approvals.tests.factories import approvals_make
from kabinet.cart.tests.factories import victim_carts_make
from kabinet.catalog.tests.factories import catalog_make
from kabinet.conversations.tests.factories import conversations_make, manager_for
from kabinet.events.tests.factories import victim_events_make
from kabinet.finance.tests.factories import finance_make
from kabinet.imports.tests.factories import import_jobs_make
from kabinet.orders.tests.factories import orders_make
from kabinet.pricing.tests.factories import price_list_make
from tests.isolation import isolation_problems, partner_path, routes


@pytest.fixture
def victim(other_partner, settings, tmp_path):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    UserFactory(partner=other_partner, email="victim-admin@omega.example", full_name="Omega Admin")
    UserFactory(
        partner=other_partner,
        email="victim-buyer@omega.example",
        full_name="Omega Buyer",
        phone="+79990001122",
        sections=["catalog"],
    )
    orders_make(other_partner)
    catalog_make(other_partner, variants_per_product=2, assortment_rules=True, partner_prices=True)
    victim_carts_make(other_partner)
    import_jobs_make(other_partner)
    victim_events_make(other_partner)
    conversations_make(other_partner)
    finance_make(other_partner)
    approvals_make(other_partner)
    price_list_make(other_partner)
    return other_partner


@pytest.fixture
def employee_without_sections(victim):
    return UserFactory(partner=victim, email="nosections@omega.example", sections=[])


def test_no_route_shows_or_changes_another_partners_data(
    partner_admin, victim, employee_without_sections
):
    problems = isolation_problems(
        victim=victim,
        attacker_user=partner_admin,
        victim_employee_without_sections=employee_without_sections,
        attacker_manager=manager_for(partner_admin.partner),
    )
    assert problems == []


def test_the_walk_covers_the_project_routes():
    walked = {route.route for route in routes()}
    assert {
        "employees/<int:user_id>/",
        "company/counterparties/<int:counterparty_id>/",
        "company/",
        "account/login/",
        "events/<int:event_id>/",
        "events/registrations/<int:registration_id>/cancel/",
        "events/feed/<str:token>.ics",
        "news/<int:news_id>/image/",
        "messages/files/<int:attachment_id>/",
        "claims/<int:claim_id>/",
        "staff/messages/<int:conversation_id>/",
        "api/erp/v1/payments",
        "api/erp/v1/reconciliation-requests/<int:request_id>/act",
        "finance/calendar/",
        "finance/report/",
        "finance/payments/",
        "finance/acts/",
        "finance/acts/<int:request_id>/act.pdf",
        "approvals/<int:order_id>/approve/",
        "approvals/rules/<int:rule_id>/delete/",
        "healthz",
        "readyz",
    } <= walked
    access = {route.route: route.access for route in routes()}
    assert access["healthz"] == access["readyz"] == ("public", None)


def test_rows_addressed_to_a_partner_and_one_to_one_rows_are_its_rows():
    from kabinet.events.models import CalendarFeed, Event, News, NewsRead, Registration

    assert partner_path(Event) == "partners"
    assert partner_path(News) == "partners"
    # A key to the owner wins over an audience found at the same depth.
    assert partner_path(NewsRead) == "user__partner"
    assert partner_path(CalendarFeed) == "user__partner"
    assert partner_path(Registration) == "partner"


def test_the_erp_api_routes_are_machine_only():
    api_routes = [route for route in routes() if route.route.startswith("api/erp/v1/")]
    assert len(api_routes) >= 12
    assert {route.access for route in api_routes} == {(MACHINE, None)}


def test_the_walk_catches_an_unscoped_view_and_an_unmarked_one(
    partner_admin, victim, employee_without_sections, settings
):
    settings.ROOT_URLCONF = "tests.isolation_leaky_urls"
    problems = isolation_problems(
        victim=victim,
        attacker_user=partner_admin,
        victim_employee_without_sections=employee_without_sections,
        urlconf="tests.isolation_leaky_urls",
    )
    assert any(
        p.startswith("GET /leaky/") and "another partner's id answered 200" in p for p in problems
    )
    assert any(
        p.startswith("GET /leaky/") and "shows another partner's data" in p for p in problems
    )
    assert "/unmarked/: the view declares no access (partner_view/public_view)" in problems
