"""A partner never sees another partner's messages, claims or files; a manager never sees
another manager's partners (the walk in tests/test_isolation.py tries every route too)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.roles import ADMINISTRATOR_GROUP
from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.conversations.models import Attachment
from kabinet.conversations.tests.factories import conversations_make


@pytest.fixture
def victim_data(other_partner, other_admin):
    return conversations_make(other_partner)


@pytest.mark.django_db
def test_a_partner_never_reaches_another_partners_messages_claims_or_files(
    partner_client, victim_data
):
    general, claim = victim_data["general"], victim_data["claim"]
    attachments = Attachment.objects.filter(message__conversation__partner=claim.partner)
    assert attachments.count() == 3
    for url in [
        reverse("conversations:detail", args=[general.pk]),
        reverse("conversations:detail", args=[victim_data["order_conversation"].pk]),
        reverse("conversations:order", args=[victim_data["order"].pk]),
        reverse("claims:detail", args=[claim.pk]),
        reverse("claims:create", args=[victim_data["order"].pk]),
        *[reverse("conversations:attachment", args=[a.pk]) for a in attachments],
        *[reverse("conversations:thumbnail", args=[a.pk]) for a in attachments],
    ]:
        assert partner_client.get(url).status_code == 404, url
        assert partner_client.post(url, {"text": "intrusion"}).status_code == 404, url
    assert partner_client.get(reverse("conversations:list")).context["conversations"] == []
    assert partner_client.get(reverse("claims:list")).context["claims"] == []
    assert not general.messages.filter(text="intrusion").exists()


@pytest.mark.django_db
def test_a_manager_sees_only_their_own_partners(partner, victim_data):
    mine = StaffUserFactory(email="mine@supplier.example")
    partner.manager = mine
    partner.save()
    client = client_for(mine)
    claim = victim_data["claim"]
    attachment = Attachment.objects.filter(message__conversation=victim_data["general"]).first()

    assert client.get(reverse("staff-conversations:list")).context["conversations"] == []
    assert client.get(reverse("staff-conversations:claim-list")).context["claims"] == []
    for url in [
        reverse("staff-conversations:detail", args=[victim_data["general"].pk]),
        reverse("staff-conversations:claim-detail", args=[claim.pk]),
        reverse("staff-conversations:attachment", args=[attachment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"text": "x", "status": "accepted"}).status_code == 404, url
    claim.refresh_from_db()
    assert claim.status == "in_review"

    # The victim's own manager sees them.
    own = client_for(victim_data["manager"])
    listing = own.get(reverse("staff-conversations:list")).context["conversations"]
    assert {c.pk for c in listing} == {
        victim_data["general"].pk,
        victim_data["order_conversation"].pk,
        claim.conversation.pk,
    }
    assert (
        own.get(reverse("staff-conversations:attachment", args=[attachment.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_a_supplier_administrator_sees_every_partner(victim_data):
    administrator = StaffUserFactory(email="chief@supplier.example")
    administrator.groups.add(Group.objects.get_or_create(name=ADMINISTRATOR_GROUP)[0])
    client = client_for(administrator)

    listing = client.get(reverse("staff-conversations:list")).context["conversations"]

    assert len(listing) == 3
    claims = client.get(reverse("staff-conversations:claim-list")).context["claims"]
    assert [c.pk for c in claims] == [victim_data["claim"].pk]


@pytest.mark.django_db
def test_partner_users_and_anonymous_cannot_open_staff_pages(partner_client, client):
    url = reverse("staff-conversations:list")
    assert partner_client.get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
