"""Two claims on the same shipment line at the same moment never take more than was shipped."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kabinet.accounts.scope import scope_for
from kabinet.conversations import selectors, services
from kabinet.conversations.models import ClaimLine
from kabinet.conversations.tests.factories import shipped_order_make


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_cannot_exceed_the_shipped_quantity(partner_admin, manager):
    order = shipped_order_make(partner_admin.partner, author=partner_admin, quantity="5")
    line = selectors.claimable_lines(order)[0]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def claim_three():
        scope = scope_for(partner_admin)
        start.wait()
        try:
            services.claim_create(
                scope=scope,
                order=order,
                reason="shortage",
                description="3 missing",
                quantities={line.pk: "3"},
            )
            outcomes.append("made")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_three) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["made", "refused"]
    assert [c.quantity for c in ClaimLine.objects.filter(shipment_line=line)] == [Decimal("3.000")]
