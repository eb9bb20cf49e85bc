import pytest

from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.tests.factories import victim_carts_make
from kabinet.catalog.tests.factories import catalog_make
from kabinet.imports.tests.factories import import_jobs_make
from kabinet.orders.tests.factories import orders_make
from tests.isolation import isolation_problems, routes


@pytest.fixture
def victim(other_partner):
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
    )
    assert problems == []


def test_the_walk_covers_the_project_routes():
    walked = {route.route for route in routes()}
    assert {
        "employees/<int:user_id>/",
        "company/counterparties/<int:counterparty_id>/",
        "company/",
        "account/login/",
        "healthz",
        "readyz",
    } <= walked
    access = {route.route: route.access for route in routes()}
    assert access["healthz"] == access["readyz"] == ("public", None)


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
