import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.models import DeliveryAddress
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import DeliveryAddressFactory, UserFactory
from kabinet.cart.models import Cart
from kabinet.orders.models import Order, OrderEvent
from kabinet.orders.services import (
    order_cancel,
    order_draft_update,
    order_recall,
    order_repeat,
    order_send,
)
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Actor, Status
from kabinet.pricing.models import Price


def _state(order: Order) -> tuple:
    order.refresh_from_db()
    lines = list(order.lines.values_list("variant_id", "quantity", "price", "amount"))
    return (
        order.status,
        order.address_id,
        order.desired_date,
        order.comment,
        order.total,
        order.vat_total,
        lines,
        order.events.count(),
    )


@pytest.fixture
def draft(partner_admin, goods):
    return order_make(author=partner_admin, variants=goods, status=Status.DRAFT, quantity="2")


def test_sending_a_draft_reads_prices_again_and_freezes_them(scope, draft, goods):
    Price.objects.filter(variant=goods[0]).update(amount=Decimal("150.00"))

    event = order_send(scope=scope, order_id=draft.pk)

    draft.refresh_from_db()
    assert (event.status, event.previous_status, event.actor, event.author) == (
        Status.SENT,
        Status.DRAFT,
        Actor.PARTNER,
        scope.user,
    )
    assert list(draft.lines.values_list("price", "amount")) == [
        (Decimal("150.00"), Decimal("300.00")),
        (Decimal("100.00"), Decimal("200.00")),
    ]
    assert (draft.status, draft.total, draft.vat_total) == (
        Status.SENT,
        Decimal("500.00"),
        Decimal("45.45"),
    )
    assert draft.export_pending is True


def test_a_draft_with_a_product_no_longer_orderable_is_not_sent(scope, draft, goods):
    goods[1].is_active = False
    goods[1].save()
    before = _state(draft)

    with pytest.raises(ValidationError) as error:
        order_send(scope=scope, order_id=draft.pk)

    assert error.value.messages == [
        f"“{goods[1]}” cannot be ordered under this agreement any more."
    ]
    assert _state(draft) == before


def test_the_partner_edits_a_draft(scope, draft, goods, partner):
    extra = goods_make(partner, n=1, price="10.50")[0]
    address = DeliveryAddressFactory(counterparty=draft.counterparty, address="Second dock")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    order_draft_update(
        scope=scope,
        order_id=draft.pk,
        address_id=address.pk,
        desired_date=tomorrow,
        comment="  call before  ",
        lines={goods[1].pk: Decimal("5"), extra.pk: Decimal("4")},
    )

    draft.refresh_from_db()
    assert (draft.address_id, draft.desired_date, draft.comment) == (
        address.pk,
        tomorrow,
        "call before",
    )
    assert list(draft.lines.values_list("variant_id", "quantity", "price", "amount")) == [
        (goods[1].pk, Decimal("5"), Decimal("100.00"), Decimal("500.00")),
        (extra.pk, Decimal("4"), Decimal("10.50"), Decimal("42.00")),
    ]
    assert draft.total == Decimal("542.00")
    assert draft.status == Status.DRAFT
    event = draft.events.get()
    assert (event.status, event.previous_status, event.author) == (
        Status.DRAFT,
        Status.DRAFT,
        scope.user,
    )


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "the quantity must be greater than zero"),
        ("-1", "the quantity must be greater than zero"),
        ("1.5", "is sold in whole units only"),
    ],
)
def test_a_draft_line_follows_the_carts_rules(scope, draft, goods, quantity, message):
    before = _state(draft)

    with pytest.raises(ValidationError) as error:
        order_draft_update(
            scope=scope,
            order_id=draft.pk,
            address_id=None,
            desired_date=None,
            comment="x",
            lines={goods[0].pk: Decimal(quantity)},
        )

    assert len(error.value.messages) == 1
    assert message in error.value.messages[0]
    assert _state(draft) == before


def test_a_draft_refuses_a_product_outside_its_agreement(scope, draft, other_partner):
    foreign = goods_make(other_partner, n=1)[0]  # priced only for another partner's agreements
    before = _state(draft)

    with pytest.raises(ValidationError):
        order_draft_update(
            scope=scope,
            order_id=draft.pk,
            address_id=None,
            desired_date=None,
            comment="",
            lines={foreign.pk: Decimal("1")},
        )

    assert _state(draft) == before


def test_a_draft_refuses_an_address_of_another_counterparty_and_a_past_date(
    scope, draft, goods, partner
):
    foreign_address = (
        DeliveryAddress.objects.exclude(counterparty=draft.counterparty)
        .filter(counterparty__partner=partner)
        .first()
    )
    before = _state(draft)
    lines = {goods[0].pk: Decimal("1")}

    with pytest.raises(ValidationError):
        order_draft_update(
            scope=scope,
            order_id=draft.pk,
            address_id=foreign_address.pk,
            desired_date=None,
            comment="",
            lines=lines,
        )
    with pytest.raises(ValidationError):
        order_draft_update(
            scope=scope,
            order_id=draft.pk,
            address_id=None,
            comment="",
            lines=lines,
            desired_date=timezone.localdate() - datetime.timedelta(days=1),
        )

    assert _state(draft) == before


@pytest.mark.parametrize(
    "status", [Status.SENT, Status.ACCEPTED, Status.SHORTAGE, Status.SHIPPED, Status.CANCELLED]
)
def test_the_partner_cannot_edit_an_order_once_sent(scope, partner_admin, goods, status):
    order = order_make(author=partner_admin, variants=goods, status=status)
    before = _state(order)

    with pytest.raises(ValidationError):
        order_draft_update(
            scope=scope,
            order_id=order.pk,
            address_id=None,
            desired_date=None,
            comment="x",
            lines={goods[0].pk: Decimal("9")},
        )

    assert _state(order) == before


def test_a_sent_order_is_recalled_to_draft_then_edited_and_sent_again(scope, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)

    order_recall(scope=scope, order_id=order.pk)
    order_draft_update(
        scope=scope,
        order_id=order.pk,
        address_id=None,
        desired_date=None,
        comment="fixed",
        lines={goods[0].pk: Decimal("3")},
    )
    order_send(scope=scope, order_id=order.pk)

    order.refresh_from_db()
    assert order.status == Status.SENT
    assert list(order.events.values_list("previous_status", "status")) == [
        (Status.DRAFT, Status.SENT),
        (Status.SENT, Status.DRAFT),
        (Status.DRAFT, Status.DRAFT),
        (Status.DRAFT, Status.SENT),
    ]


@pytest.mark.parametrize(
    "status", [Status.ACCEPTED, Status.SHORTAGE, Status.ASSEMBLING, Status.SHIPPED]
)
def test_an_order_cannot_be_recalled_after_the_supplier_accepted_it(
    scope, partner_admin, goods, status
):
    order = order_make(author=partner_admin, variants=goods, status=status)
    before = _state(order)

    with pytest.raises(ValidationError):
        order_recall(scope=scope, order_id=order.pk)

    assert _state(order) == before


def test_the_partner_cancels_with_a_comment(scope, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)

    event = order_cancel(scope=scope, order_id=order.pk, comment=" wrong warehouse ")

    assert (event.status, event.author, event.comment) == (
        Status.CANCELLED,
        partner_admin,
        "wrong warehouse",
    )


def test_the_partner_cannot_cancel_an_order_being_assembled(scope, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.ASSEMBLING)
    before = _state(order)

    with pytest.raises(ValidationError):
        order_cancel(scope=scope, order_id=order.pk, comment="")

    assert _state(order) == before


def test_changing_an_order_needs_the_catalog_section(orders_only_employee, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    scope = scope_for(orders_only_employee)

    for change in (order_cancel, order_recall):
        with pytest.raises(PermissionDenied):
            change(scope=scope, order_id=order.pk)
    with pytest.raises(PermissionDenied):
        order_repeat(scope=scope, order_id=order.pk)

    assert Order.objects.get(pk=order.pk).status == Status.SENT


def test_another_partners_order_is_not_found(other_admin, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    scope = scope_for(other_admin)

    with pytest.raises(Http404):
        order_cancel(scope=scope, order_id=order.pk)
    with pytest.raises(Http404):
        order_repeat(scope=scope, order_id=order.pk)

    assert OrderEvent.objects.filter(order=order).count() == 1


def test_a_colleague_limited_to_another_counterparty_cannot_reach_the_order(
    partner, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.SENT)
    other_counterparty = partner.counterparties.exclude(pk=order.counterparty_id).first()
    colleague = UserFactory(partner=partner)
    colleague.counterparties.set([other_counterparty])

    with pytest.raises(Http404):
        order_recall(scope=scope_for(colleague), order_id=order.pk)


def test_repeating_an_order_fills_the_working_cart_with_what_is_still_orderable(
    scope, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.COMPLETED, quantity="3")
    goods[1].is_active = False
    goods[1].save()

    result = order_repeat(scope=scope, order_id=order.pk)

    cart = Cart.objects.get(owner=partner_admin, counterparty=order.counterparty, name="")
    assert result.cart == cart
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(goods[0].pk, Decimal("3"))]
    assert [line.variant_id for line in result.added] == [goods[0].pk]
    assert [line.variant_id for line in result.skipped] == [goods[1].pk]


def test_repeating_adds_to_what_the_cart_already_holds(scope, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods[:1], status=Status.SENT, quantity="2")
    order_repeat(scope=scope, order_id=order.pk)

    order_repeat(scope=scope, order_id=order.pk)

    cart = Cart.objects.get(owner=partner_admin, name="")
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(goods[0].pk, Decimal("4"))]


def test_repeating_an_order_with_nothing_orderable_changes_nothing(scope, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.COMPLETED)
    for variant in goods:
        variant.is_active = False
        variant.save()

    with pytest.raises(ValidationError):
        order_repeat(scope=scope, order_id=order.pk)

    assert Cart.objects.filter(owner=partner_admin).count() == 0
