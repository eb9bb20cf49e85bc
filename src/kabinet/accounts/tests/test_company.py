from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import (
    AgreementFactory,
    CounterpartyFactory,
    DeliveryAddressFactory,
    UserFactory,
)


def test_company_page_lists_the_partners_legal_entities_heads_first(partner, partner_admin):
    page = client_for(partner_admin).get(reverse("accounts:company")).content.decode()
    head = page.index("Alpha Pharmacy head")
    assert head < page.index("Alpha Pharmacy branch 1")
    assert "Omega" not in page


def test_agreements_show_terms_and_credit_limit_only_to_finance(partner, partner_admin):
    AgreementFactory(
        counterparty=partner.counterparties.first(),
        name="Supply 7",
        credit_limit=250000,
        payment_deferral_days=45,
    )
    admin_page = client_for(partner_admin).get(reverse("accounts:agreement-list")).content.decode()
    assert "Supply 7" in admin_page
    assert "250" in admin_page
    buyer = UserFactory(partner=partner, sections=[Section.CATALOG])
    buyer_page = client_for(buyer).get(reverse("accounts:agreement-list")).content.decode()
    assert "Supply 7" in buyer_page
    assert "250" not in buyer_page.split("Supply 7")[1].split("</tr>")[0]


def test_addresses_page_lists_every_delivery_address(partner, partner_admin):
    page = client_for(partner_admin).get(reverse("accounts:address-list")).content.decode()
    for counterparty in partner.counterparties.all():
        assert f"{counterparty.name} address" in page


def test_counterparty_page_of_another_partner_is_not_found(partner_admin, other_partner):
    foreign = other_partner.counterparties.first()
    response = client_for(partner_admin).get(
        reverse("accounts:counterparty-detail", args=[foreign.pk])
    )
    assert response.status_code == 404


def test_company_pages_cost_the_same_queries_for_2_or_20_entities(
    partner, partner_admin, django_assert_max_num_queries
):
    client = client_for(partner_admin)
    counts = {}
    for size in (2, 20):
        while partner.counterparties.count() < size:
            counterparty = CounterpartyFactory(partner=partner)
            AgreementFactory(counterparty=counterparty)
            DeliveryAddressFactory(counterparty=counterparty)
        for name in ("accounts:company", "accounts:agreement-list", "accounts:address-list"):
            with django_assert_max_num_queries(15) as captured:
                assert client.get(reverse(name)).status_code == 200
            counts[(name, size)] = len(captured.captured_queries)
    for name in ("accounts:company", "accounts:agreement-list", "accounts:address-list"):
        assert counts[(name, 2)] == counts[(name, 20)], name


def test_the_switch_remembers_counterparty_and_agreement_and_refuses_foreign_ones(
    partner, partner_admin, other_partner
):
    client = client_for(partner_admin)
    branch = partner.counterparties.order_by("pk").last()
    agreement = branch.agreements.get()
    response = client.post(
        reverse("web:counterparty-switch"), {"agreement": agreement.pk, "next": "/company/"}
    )
    assert response.status_code == 302
    assert response.url == "/company/"
    context = client.get("/").context
    assert context["current_counterparty"] == branch
    assert context["current_agreement"] == agreement
    foreign = other_partner.counterparties.first().agreements.get()
    response = client.post(reverse("web:counterparty-switch"), {"agreement": foreign.pk})
    assert response.status_code == 404
    assert client.get("/").context["current_agreement"] == agreement


def test_the_partner_sees_its_managers_contacts(partner, partner_admin, staff_user):
    staff_user.phone = "+74951234567"
    staff_user.save()
    partner.manager = staff_user
    partner.save()
    page = client_for(partner_admin).get("/").content.decode()
    assert "Supplier Manager" in page
    assert "+74951234567" in page
    assert "manager@supplier.example" in page
