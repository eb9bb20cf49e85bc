import itertools

import pytest
from django.core.exceptions import ValidationError

from kabinet.orders.models import Order, OrderEvent
from kabinet.orders.services import order_status_set_by_supplier, order_transition
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import TRANSITIONS, Actor, Status

ALL_MOVES = [
    (source, target, actor)
    for source, target in itertools.product(Status.values, Status.values)
    for actor in Actor.values
]
ALLOWED = [m for m in ALL_MOVES if m[2] in TRANSITIONS.get((m[0], m[1]), frozenset())]
REFUSED = [m for m in ALL_MOVES if m not in ALLOWED]


def _snapshot(order: Order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        order.sent_at,
        order.export_pending,
        order.updated_at,
        list(order.events.values_list("pk", flat=True)),
    )


def test_the_table_lists_the_documented_workflow():
    assert len(ALLOWED) == 19
    assert len(REFUSED) == 9 * 9 * 2 - 19


@pytest.mark.parametrize(("source", "target", "actor"), ALLOWED)
def test_an_allowed_transition_moves_the_order_and_stores_an_event(
    partner_admin, goods, source, target, actor, django_capture_on_commit_callbacks
):
    order = order_make(author=partner_admin, variants=goods, status=source)
    events_before = order.events.count()

    with django_capture_on_commit_callbacks(execute=True):
        event = order_transition(
            order=order, target=target, actor=actor, author=partner_admin, comment="why"
        )

    order.refresh_from_db()
    assert order.status == target
    assert order.events.count() == events_before + 1
    assert (event.status, event.previous_status, event.actor, event.author, event.comment) == (
        target,
        source,
        actor,
        partner_admin,
        "why",
    )


@pytest.mark.parametrize(("source", "target", "actor"), REFUSED)
def test_any_other_transition_is_refused_and_changes_nothing(
    partner_admin, goods, source, target, actor
):
    order = order_make(author=partner_admin, variants=goods, status=source)
    before = _snapshot(order)

    with pytest.raises(ValidationError):
        order_transition(order=order, target=target, actor=actor, author=partner_admin)

    assert _snapshot(order) == before


def test_sending_queues_the_order_for_1c_and_stamps_the_time(partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)

    order_transition(order=order, target=Status.SENT, actor=Actor.PARTNER, author=partner_admin)

    order.refresh_from_db()
    assert order.export_pending is True
    assert order.sent_at is not None


def test_cancelling_a_sent_order_tells_1c_but_a_never_sent_draft_stays_local(partner_admin, goods):
    sent = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    draft = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)

    for order in (sent, draft):
        order_transition(order=order, target=Status.CANCELLED, actor=Actor.PARTNER)

    sent.refresh_from_db()
    draft.refresh_from_db()
    assert (sent.status, sent.export_pending) == (Status.CANCELLED, True)
    assert (draft.status, draft.export_pending) == (Status.CANCELLED, False)


def test_the_supplier_sets_a_status_with_its_author_and_comment(partner_admin, goods, staff_user):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)

    event = order_status_set_by_supplier(
        order=order, target=Status.ACCEPTED, author=staff_user, comment="accepted in 1C"
    )

    assert (event.actor, event.author, event.comment) == (
        Actor.SUPPLIER,
        staff_user,
        "accepted in 1C",
    )
    assert Order.objects.get(pk=order.pk).status == Status.ACCEPTED


def test_the_supplier_cannot_send_a_partners_draft(partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)

    with pytest.raises(ValidationError):
        order_status_set_by_supplier(order=order, target=Status.SENT)

    assert OrderEvent.objects.filter(order=order).count() == 0
    assert Order.objects.get(pk=order.pk).status == Status.DRAFT
