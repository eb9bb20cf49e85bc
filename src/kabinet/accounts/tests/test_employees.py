import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts import services
from kabinet.accounts.models import Section, User
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import CounterpartyFactory, UserFactory


def create_form(**overrides):
    data = {
        "full_name": "Petrova Anna",
        "email": "anna@alpha.example",
        "phone": "",
        "position": "Buyer",
        "sections": [Section.ORDERS],
    }
    data.update(overrides)
    return data


def test_admin_creates_an_employee_who_must_change_the_temporary_password(partner_admin):
    client = client_for(partner_admin)
    response = client.post(reverse("accounts:employee-create"), create_form())
    assert response.status_code == 200
    password = response.context["issued"].password
    employee = User.objects.get(email="anna@alpha.example")
    assert employee.partner == partner_admin.partner
    assert employee.sections == [Section.ORDERS]
    assert employee.must_change_password
    assert password in response.content.decode()

    response = client_for_login(employee.email, password)
    assert response.get("/").url == reverse("accounts:password-change")


def client_for_login(login, password):
    from django.test import Client

    client = Client()
    assert (
        client.post("/account/login/", {"username": login, "password": password}).status_code == 302
    )
    return client


def test_the_invitation_letter_carries_login_and_temporary_password(
    partner_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.employee_create(
            scope=scope_for(partner_admin),
            full_name="Anna",
            email="anna@alpha.example",
            sections=[Section.CATALOG],
            send_invitation=True,
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@alpha.example"]
    assert issued.password in mail.outbox[0].body
    assert "anna@alpha.example" in mail.outbox[0].body


def test_employee_without_the_employees_section_gets_403_on_every_employee_page(
    orders_only_employee, partner_admin
):
    client = client_for(orders_only_employee)
    urls = [
        reverse("accounts:employee-list"),
        reverse("accounts:employee-create"),
        reverse("accounts:employee-update", args=[partner_admin.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("accounts:employee-block", args=[partner_admin.pk])).status_code == 403
    )
    partner_admin.refresh_from_db()
    assert partner_admin.is_active
    with pytest.raises(PermissionDenied):
        services.employee_block(scope=scope_for(orders_only_employee), user_id=partner_admin.pk)


def test_the_menu_shows_only_the_sections_the_user_may_use(orders_only_employee, partner_admin):
    assert (
        reverse("accounts:employee-list")
        not in client_for(orders_only_employee).get("/").content.decode()
    )
    assert reverse("accounts:employee-list") in client_for(partner_admin).get("/").content.decode()


def test_an_admin_cannot_grant_what_they_do_not_have(partner):
    limited_admin = UserFactory(partner=partner, sections=[Section.EMPLOYEES, Section.ORDERS])
    with pytest.raises(ValidationError) as error:
        services.employee_create(
            scope=scope_for(limited_admin),
            full_name="X",
            email="x@alpha.example",
            sections=[Section.FINANCE],
        )
    assert "sections" in error.value.error_dict
    assert not User.objects.filter(email="x@alpha.example").exists()


def test_an_admin_cannot_grant_another_partners_counterparty(partner_admin, other_partner):
    foreign = other_partner.counterparties.first()
    with pytest.raises(ValidationError) as error:
        services.employee_create(
            scope=scope_for(partner_admin),
            full_name="X",
            email="x@alpha.example",
            sections=[Section.ORDERS],
            counterparty_ids=[foreign.pk],
        )
    assert "counterparties" in error.value.error_dict
    assert not User.objects.filter(email="x@alpha.example").exists()


def test_an_admin_cannot_block_themselves_or_drop_their_own_employees_section(partner_admin):
    scope = scope_for(partner_admin)
    with pytest.raises(ValidationError):
        services.employee_block(scope=scope, user_id=partner_admin.pk)
    with pytest.raises(ValidationError):
        services.employee_update(
            scope=scope,
            user_id=partner_admin.pk,
            full_name="A",
            email=partner_admin.email,
            sections=[Section.ORDERS],
        )
    partner_admin.refresh_from_db()
    assert partner_admin.is_active
    assert Section.EMPLOYEES in partner_admin.sections


def test_duplicate_contacts_are_refused_with_a_field_error(partner_admin, other_admin):
    client = client_for(partner_admin)
    response = client.post(
        reverse("accounts:employee-create"), create_form(email=other_admin.email)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.filter(email=other_admin.email).count() == 1


def test_phone_is_stored_in_one_form(partner_admin):
    issued = services.employee_create(
        scope=scope_for(partner_admin),
        full_name="P",
        phone="8 (912) 000-11-22",
        sections=[Section.ORDERS],
    )
    assert issued.user.phone == "+79120001122"
    assert issued.user.email is None


def test_employee_limited_to_counterparties_sees_only_those(partner, partner_admin):
    head, branch = partner.counterparties.order_by("pk")
    issued = services.employee_create(
        scope=scope_for(partner_admin),
        full_name="Branch buyer",
        email="b@alpha.example",
        sections=[Section.ORDERS],
        counterparty_ids=[branch.pk],
    )
    User.objects.filter(pk=issued.user.pk).update(must_change_password=False)
    client = client_for(issued.user)
    page = client.get(reverse("accounts:company")).content.decode()
    assert branch.name in page
    assert f'href="/company/counterparties/{head.pk}/"' not in page
    assert client.get(reverse("accounts:counterparty-detail", args=[head.pk])).status_code == 404
    assert client.get(reverse("accounts:counterparty-detail", args=[branch.pk])).status_code == 200


def test_edit_changes_sections_and_counterparties(partner, partner_admin, orders_only_employee):
    branch = partner.counterparties.order_by("pk").last()
    client = client_for(partner_admin)
    response = client.post(
        reverse("accounts:employee-update", args=[orders_only_employee.pk]),
        {
            "full_name": "Renamed",
            "email": orders_only_employee.email,
            "phone": "",
            "position": "",
            "sections": [Section.ORDERS, Section.FINANCE],
            "counterparties": [branch.pk],
        },
    )
    assert response.status_code == 302
    orders_only_employee.refresh_from_db()
    assert orders_only_employee.full_name == "Renamed"
    assert orders_only_employee.sections == [Section.ORDERS, Section.FINANCE]
    assert list(orders_only_employee.counterparties.all()) == [branch]


def test_blocking_and_unblocking_through_the_pages(partner_admin, orders_only_employee):
    client = client_for(partner_admin)
    client.post(reverse("accounts:employee-block", args=[orders_only_employee.pk]))
    orders_only_employee.refresh_from_db()
    assert not orders_only_employee.is_active
    client.post(reverse("accounts:employee-unblock", args=[orders_only_employee.pk]))
    orders_only_employee.refresh_from_db()
    assert orders_only_employee.is_active


def test_a_new_temporary_password_replaces_the_old_one(partner_admin, orders_only_employee):
    response = client_for(partner_admin).post(
        reverse("accounts:employee-password-reset", args=[orders_only_employee.pk])
    )
    orders_only_employee.refresh_from_db()
    assert orders_only_employee.must_change_password
    assert orders_only_employee.check_password(response.context["issued"].password)


def test_employee_list_costs_the_same_queries_for_3_or_30_employees(
    partner, partner_admin, django_assert_max_num_queries
):
    client = client_for(partner_admin)
    counterparty = CounterpartyFactory(partner=partner)

    def add(n):
        for _ in range(n):
            user = UserFactory(partner=partner, sections=[Section.ORDERS])
            user.counterparties.add(counterparty)

    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("accounts:employee-list"))
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:employee-list"))
    assert len(response.context["employees"]) == 30
