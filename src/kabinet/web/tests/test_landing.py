"""Where `/` takes each kind of account (issue 8, item 27)."""

from django.conf import settings as django_settings
from tests.conftest_helpers import client_for

from kabinet.accounts.tests.factories import UserFactory
from kabinet.exchange.accounts import exchange_account_ensure

PARTNER_REFUSAL = "Ask your company's administrator"


def _english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_suppliers_manager_lands_in_the_admin(staff_user, partner):
    partner.manager = staff_user
    partner.save()

    response = _english(client_for(staff_user)).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_exchange_account_gets_a_page_saying_what_it_is_for(db):
    account, _created = exchange_account_ensure(login="1c@supplier.local", password="secret-1c")

    response = _english(client_for(account)).get("/")

    assert response.status_code == 403
    assert response.templates[0].name == "web/no_portal.html"
    text = response.content.decode()
    assert "This account is for the data exchange with 1C" in text
    assert PARTNER_REFUSAL not in text


def test_an_account_without_partner_or_staff_role_is_told_so(db):
    stray = UserFactory(partner=None, sections=[], email="stray@supplier.example")

    response = _english(client_for(stray)).get("/")

    assert response.status_code == 403
    assert "belongs neither to a partner company nor to the supplier's staff" in (
        response.content.decode()
    )
    assert PARTNER_REFUSAL not in response.content.decode()


def test_a_partner_employee_still_gets_the_home_page(partner_client):
    response = _english(partner_client).get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "web/home.html"


def test_anonymous_visitors_go_to_the_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/"
