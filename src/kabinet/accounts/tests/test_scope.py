from kabinet.accounts import selectors
from kabinet.accounts.models import Partner, Section, User
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory


def test_scope_of_a_partner_user(partner, partner_admin):
    scope = scope_for(partner_admin)
    assert scope.partner_id == partner.pk
    assert scope.is_admin
    assert scope.counterparty_ids is None


def test_no_scope_for_staff_blocked_users_and_blocked_partners(partner, partner_admin, staff_user):
    assert scope_for(staff_user) is None
    User.objects.filter(pk=partner_admin.pk).update(is_active=False)
    partner_admin.refresh_from_db()
    assert scope_for(partner_admin) is None
    user = UserFactory(partner=partner)
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    user.refresh_from_db()
    assert scope_for(user) is None


def test_selectors_never_return_another_partners_rows(partner_admin, other_partner):
    scope = scope_for(partner_admin)
    foreign_counterparties = set(other_partner.counterparties.values_list("pk", flat=True))
    assert not {c.pk for c in selectors.counterparty_list(scope)} & foreign_counterparties
    assert not {a.counterparty_id for a in selectors.agreement_list(scope)} & foreign_counterparties
    assert not {a.counterparty_id for a in selectors.address_list(scope)} & foreign_counterparties
    assert {u.partner_id for u in selectors.employee_list(scope)} == {partner_admin.partner_id}


def test_unknown_section_names_in_stored_data_grant_nothing(partner):
    user = UserFactory(partner=partner, sections=["orders", "everything"])
    scope = scope_for(user)
    assert scope.sections == frozenset({Section.ORDERS})
