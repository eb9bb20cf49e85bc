"""The lists and threads read a fixed number of queries, whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kabinet.accounts.scope import scope_for
from kabinet.conversations import selectors, services
from kabinet.conversations.models import Conversation
from kabinet.conversations.tests.factories import jpeg_bytes, shipped_order_make, upload
from kabinet.conversations.workflow import ClaimStatus


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _conversation_with(partner_admin, manager, *, order=None, messages: int):
    message = services.conversation_start(
        scope=scope_for(partner_admin),
        order=order,
        text="first",
        files=[upload("a.jpg", jpeg_bytes())],
    )
    for n in range(messages - 1):
        services.message_send(
            conversation=message.conversation,
            author=manager if n % 2 else partner_admin,
            text=f"message {n}",
            from_staff=bool(n % 2),
            files=[upload("b.jpg", jpeg_bytes())],
        )
    return message.conversation


@pytest.mark.django_db
def test_lists_and_threads_do_not_grow_with_their_length(
    partner_client, partner_admin, manager, manager_client
):
    general = _conversation_with(partner_admin, manager, messages=2)
    urls = {
        "list": reverse("conversations:list"),
        "thread": reverse("conversations:detail", args=[general.pk]),
        "staff list": reverse("staff-conversations:list"),
        "staff thread": reverse("staff-conversations:detail", args=[general.pk]),
    }
    clients = {"list": partner_client, "thread": partner_client}
    for name, url in urls.items():  # the first visit of a thread creates the read mark
        _queries(clients.get(name, manager_client), url)
    before = {name: _queries(clients.get(name, manager_client), url) for name, url in urls.items()}

    for _ in range(3):
        order = shipped_order_make(partner_admin.partner, author=partner_admin)
        _conversation_with(partner_admin, manager, order=order, messages=3)
    for n in range(6):
        services.message_send(
            conversation=general,
            author=manager,
            text=f"more {n}",
            from_staff=True,
            files=[upload("c.jpg", jpeg_bytes())],
        )
    assert Conversation.objects.count() == 4

    after = {name: _queries(clients.get(name, manager_client), url) for name, url in urls.items()}
    assert after == before


@pytest.mark.django_db
def test_claim_pages_do_not_grow_with_lines_history_or_claims(
    partner_client, partner_admin, manager, manager_client
):
    scope = scope_for(partner_admin)

    def claim_make(lines: int):
        order = shipped_order_make(partner_admin.partner, author=partner_admin)
        chosen = selectors.claimable_lines(order)[:lines]
        return services.claim_create(
            scope=scope,
            order=order,
            reason="defect",
            description="broken",
            quantities={line.pk: "1" for line in chosen},
        )

    claim = claim_make(1)
    urls = {
        "list": (partner_client, reverse("claims:list")),
        "detail": (partner_client, reverse("claims:detail", args=[claim.pk])),
        "staff list": (manager_client, reverse("staff-conversations:claim-list")),
        "staff detail": (
            manager_client,
            reverse("staff-conversations:claim-detail", args=[claim.pk]),
        ),
    }
    for client, url in urls.values():
        _queries(client, url)
    before = {name: _queries(client, url) for name, (client, url) in urls.items()}

    bigger = claim_make(2)
    for status in (ClaimStatus.IN_REVIEW, ClaimStatus.ACCEPTED):
        services.claim_transition(claim=bigger, author=manager, status=status, comment=status)
    claim_make(1)
    urls["detail"] = (partner_client, reverse("claims:detail", args=[bigger.pk]))
    urls["staff detail"] = (
        manager_client,
        reverse("staff-conversations:claim-detail", args=[bigger.pk]),
    )
    for name in ("detail", "staff detail"):
        _queries(*urls[name])

    after = {name: _queries(client, url) for name, (client, url) in urls.items()}
    assert after == before
