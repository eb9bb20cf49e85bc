from django.test import Client

from kabinet.conversations.models import Attachment, Claim, Conversation
from kabinet.demo.generator import DEMO_PASSWORD, demo_generate


def test_the_demo_has_conversations_and_claims_in_different_statuses(db, private_dir):
    result = demo_generate(partners=3, skus=200, months=4)

    assert result.conversations == {"conversations": 6, "claims": 9}
    assert Conversation.objects.filter(order__isnull=True).count() == 3
    assert set(Claim.objects.values_list("status", flat=True)) == {
        "new",
        "in_review",
        "resolved",
        "rejected",
        "partly_accepted",
    }
    assert Attachment.objects.filter(thumbnail__gt="").count() == 3
    client = Client()
    client.post("/account/login/", {"username": "buyer1@partner.demo", "password": DEMO_PASSWORD})
    badge = client.get("/messages/badge/")
    # The general conversation ends with the buyer (read up to there); the order one with
    # the manager's answer, unread.
    assert badge.context["unread_messages"] == 1
    assert len(client.get("/claims/").context["claims"]) == 3
