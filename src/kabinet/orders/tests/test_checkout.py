import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.models import Agreement, DeliveryAddress
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.models import CartLine
from kabinet.cart.tests.factories import cart_make, variants_bulk_make
from kabinet.catalog.tests.factories import catalog_make
from kabinet.orders.checkout import order_place
from kabinet.orders.models import Order, OrderLine
from kabinet.orders.workflow import Status
from kabinet.pricing.models import Price


@pytest.fixture
def agreement(partner):
    return (
        Agreement.objects.select_related("counterparty", "price_type")
        .filter(counterparty__partner=partner, counterparty__parent=None)
        .get()
    )


@pytest.fixture
def address(agreement):
    return DeliveryAddress.objects.get(counterparty=agreement.counterparty)


@pytest.fixture
def products(partner):
    """Three products at 100.00 with VAT 10%, priced for every agreement of the partner."""
    return catalog_make(partner, products=3)


def _place(scope, cart, agreement, address, *, send=True, token="token-1", **changes):
    arguments = {
        "scope": scope,
        "cart": cart,
        "agreement": agreement,
        "address_id": address.pk if address else None,
        "desired_date": None,
        "comment": "",
        "send": send,
        "submit_token": token,
        **changes,
    }
    return order_place(**arguments)


def _cart_lines(cart) -> dict:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def test_sending_freezes_live_prices_names_and_totals(
    scope, partner_admin, agreement, address, products
):
    first, second = products.variants[:2]
    second.product.vat_rate = Decimal("20.00")
    second.product.save()
    Price.objects.filter(variant=second).update(amount=Decimal("33.33"))
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={first: 2, second: 3})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    order = _place(scope, cart, agreement, address, desired_date=tomorrow, comment="  Ring first  ")
    order.refresh_from_db()
    assert order.number == f"К-{timezone.localdate().year}-{order.pk:06d}"
    assert (order.status, order.export_pending, order.sent_at is not None) == (
        Status.SENT,
        True,
        True,
    )
    assert (order.counterparty_id, order.agreement_id, order.address_id, order.author_id) == (
        agreement.counterparty_id,
        agreement.pk,
        address.pk,
        partner_admin.pk,
    )
    assert (order.desired_date, order.comment, order.currency) == (tomorrow, "Ring first", "RUB")
    assert (order.total, order.vat_total) == (Decimal("299.99"), Decimal("34.85"))
    lines = list(
        order.lines.values_list(
            "variant_id",
            "product_name",
            "article",
            "unit",
            "quantity",
            "price",
            "vat_rate",
            "amount",
        )
    )
    assert lines == [
        (
            first.pk,
            first.product.name,
            first.product.article,
            "шт",
            Decimal("2.000"),
            Decimal("100.00"),
            Decimal("10.00"),
            Decimal("200.00"),
        ),
        (
            second.pk,
            second.product.name,
            second.product.article,
            "шт",
            Decimal("3.000"),
            Decimal("33.33"),
            Decimal("20.00"),
            Decimal("99.99"),
        ),
    ]
    assert list(order.events.values_list("status", flat=True)) == [Status.DRAFT, Status.SENT]
    assert order.placement_warnings == []
    assert _cart_lines(cart) == {}


def test_a_price_change_after_sending_does_not_touch_the_order(
    scope, partner_admin, agreement, address, products
):
    variant = products.variants[0]
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={variant: 2})
    order = _place(scope, cart, agreement, address)
    Price.objects.filter(variant=variant).update(amount=Decimal("500.00"))
    order.refresh_from_db()
    assert order.total == Decimal("200.00")
    assert list(order.lines.values_list("price", "amount")) == [
        (Decimal("100.00"), Decimal("200.00"))
    ]


def test_a_draft_is_saved_and_never_queued_for_1c(
    scope, partner_admin, agreement, address, products
):
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    order = _place(scope, cart, agreement, address, send=False)
    order.refresh_from_db()
    assert (order.status, order.export_pending, order.sent_at) == (Status.DRAFT, False, None)
    assert list(order.events.values_list("status", flat=True)) == [Status.DRAFT]
    assert _cart_lines(cart) == {}


def test_a_double_submit_with_the_same_token_returns_the_same_order(
    scope, partner_admin, agreement, address, products
):
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    first = _place(scope, cart, agreement, address, token="same")
    again = _place(scope, cart, agreement, address, token="same")
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1


def test_another_token_on_an_emptied_cart_is_refused(
    scope, partner_admin, agreement, address, products
):
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    _place(scope, cart, agreement, address, token="first")
    with pytest.raises(ValidationError) as refused:
        _place(scope, cart, agreement, address, token="second")
    assert refused.value.messages == ["The cart has nothing that can be ordered."]
    assert Order.objects.count() == 1


def test_a_stale_line_is_left_out_of_the_order(scope, partner_admin, agreement, address, products):
    stale, kept = products.variants[:2]
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={stale: 5, kept: 1})
    stale.is_active = False
    stale.save()
    order = _place(scope, cart, agreement, address)
    assert list(order.lines.values_list("variant_id", "quantity")) == [(kept.pk, Decimal(1))]
    assert order.total == Decimal("100.00")
    assert _cart_lines(cart) == {}


def test_a_cart_of_unavailable_lines_only_is_refused(
    scope, partner_admin, agreement, address, products
):
    variant = products.variants[0]
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={variant: 1})
    Price.objects.filter(variant=variant).delete()
    with pytest.raises(ValidationError) as refused:
        _place(scope, cart, agreement, address)
    assert refused.value.messages == ["The cart has nothing that can be ordered."]
    assert (Order.objects.count(), _cart_lines(cart)) == (0, {variant.pk: Decimal(1)})


def test_lines_breaking_multiples_or_minimums_refuse_the_order_with_the_list(
    scope, partner_admin, agreement, address, products
):
    multiple, minimum, fine = products.variants
    multiple.product.order_multiple = Decimal(6)
    multiple.product.save()
    minimum.product.min_quantity = Decimal(10)
    minimum.product.save()
    cart = cart_make(
        owner=partner_admin, agreement=agreement, lines={multiple: 7, minimum: 2, fine: 1}
    )
    with pytest.raises(ValidationError) as refused:
        _place(scope, cart, agreement, address, send=False)
    assert refused.value.messages == [
        f"“{multiple.product.name}”: Sold in multiples of 6 шт. Order 6 шт.",
        f"“{minimum.product.name}”: The minimum order is 10 шт. Order 10 шт.",
    ]
    assert Order.objects.count() == 0
    assert _cart_lines(cart) == {multiple.pk: 7, minimum.pk: 2, fine.pk: 1}


def test_an_address_of_another_counterparty_is_refused(
    scope, partner, partner_admin, agreement, address, products, other_partner
):
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    branch_address = (
        DeliveryAddress.objects.filter(counterparty__partner=partner).exclude(pk=address.pk).first()
    )
    foreign_address = DeliveryAddress.objects.filter(counterparty__partner=other_partner).first()
    for wrong in (branch_address, foreign_address):
        with pytest.raises(ValidationError) as refused:
            _place(scope, cart, agreement, wrong)
        assert refused.value.messages == ["Choose a delivery address of the order's counterparty."]
    assert Order.objects.count() == 0
    assert _cart_lines(cart) == {products.variants[0].pk: 1}


def test_an_agreement_the_user_may_not_act_for_is_not_found(
    scope, partner_admin, agreement, address, products, other_partner
):
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    foreign = Agreement.objects.filter(counterparty__partner=other_partner).first()
    with pytest.raises(Http404):
        _place(scope, cart, foreign, address)
    assert Order.objects.count() == 0


def test_a_desired_date_in_the_past_is_refused(scope, partner_admin, agreement, address, products):
    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        _place(scope, cart, agreement, address, desired_date=yesterday)
    assert Order.objects.count() == 0


def test_only_the_owner_orders_a_cart(partner, partner_admin, agreement, address, products):
    from django.core.exceptions import PermissionDenied

    from kabinet.accounts.scope import scope_for

    cart = cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 1})
    colleague = scope_for(UserFactory(partner=partner))
    with pytest.raises(PermissionDenied):
        _place(colleague, cart, agreement, address)
    assert Order.objects.count() == 0


@pytest.fixture
def limited(agreement):
    """A credit limit of 250.00; the first order (100.00) goes to work, the cart holds 200.00."""
    agreement.credit_limit = Decimal("250.00")
    agreement.save()
    return agreement


def _credit_case(scope, partner_admin, limited, address, products):
    first = cart_make(owner=partner_admin, agreement=limited, lines={products.variants[0]: 1})
    _place(scope, first, limited, address, token="in-work")
    first.delete()
    return cart_make(owner=partner_admin, agreement=limited, lines={products.variants[1]: 2})


def test_block_mode_refuses_to_send_over_the_credit_limit_but_saves_a_draft(
    scope, partner_admin, limited, address, products, settings
):
    settings.KABINET_CREDIT_CHECK = "block"
    cart = _credit_case(scope, partner_admin, limited, address, products)
    with pytest.raises(ValidationError) as refused:
        _place(scope, cart, limited, address, token="over")
    assert refused.value.messages == [
        "The order takes the agreement over its credit limit: limit 250.00\xa0₽, orders in work "
        "100.00\xa0₽, this order 200.00\xa0₽.",
        "It cannot be sent now; you may save it as a draft.",
    ]
    assert Order.objects.count() == 1
    draft = _place(scope, cart, limited, address, token="over", send=False)
    assert draft.status == Status.DRAFT


def test_warn_mode_sends_with_a_warning(scope, partner_admin, limited, address, products, settings):
    settings.KABINET_CREDIT_CHECK = "warn"
    cart = _credit_case(scope, partner_admin, limited, address, products)
    order = _place(scope, cart, limited, address, token="over")
    assert order.status == Status.SENT
    assert order.placement_warnings == [
        "The order takes the agreement over its credit limit: limit 250.00\xa0₽, orders in work "
        "100.00\xa0₽, this order 200.00\xa0₽."
    ]


def test_drafts_do_not_count_against_the_limit_and_the_check_can_be_off(
    scope, partner_admin, limited, address, products, settings
):
    settings.KABINET_CREDIT_CHECK = "block"
    cart = cart_make(owner=partner_admin, agreement=limited, lines={products.variants[0]: 2})
    _place(scope, cart, limited, address, token="draft", send=False)
    CartLine.objects.create(cart=cart, variant=products.variants[1], quantity=2)
    assert _place(scope, cart, limited, address, token="sent").status == Status.SENT
    settings.KABINET_CREDIT_CHECK = "off"
    CartLine.objects.create(cart=cart, variant=products.variants[2], quantity=2)
    assert _place(scope, cart, limited, address, token="off").status == Status.SENT


def test_placing_an_order_reads_a_fixed_number_of_queries(
    partner, agreement, address, django_assert_num_queries
):
    from kabinet.accounts.scope import scope_for

    counts = []
    variants = variants_bulk_make(agreement.price_type, n=60)
    for n in (3, 60):
        user = UserFactory(partner=partner)
        cart = cart_make(owner=user, agreement=agreement, lines=dict.fromkeys(variants[:n], 1))
        scope = scope_for(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            order = _place(scope, cart, agreement, address, token=f"t{n}")
        assert order.lines.count() == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_checkout_form_places_the_order_once_and_opens_it(
    partner_admin, english_client, agreement, address, products
):
    cart_make(owner=partner_admin, agreement=agreement, lines={products.variants[0]: 2})
    client = english_client
    data = {
        "agreement": agreement.pk,
        "address": address.pk,
        "desired_date": "",
        "comment": "Gate 3",
        "submit_token": "form-token",
        "action": "send",
    }
    response = client.post("/cart/checkout/", data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == f"/orders/{order.pk}/"
    assert (order.status, order.comment, order.total) == (Status.SENT, "Gate 3", Decimal("200.00"))
    again = client.post("/cart/checkout/", data)
    assert again.url == f"/orders/{order.pk}/"
    assert Order.objects.count() == 1


def test_the_checkout_form_shows_the_problem_lines(
    partner_admin, english_client, agreement, address, products
):
    variant = products.variants[0]
    variant.product.order_multiple = Decimal(5)
    variant.product.save()
    cart_make(owner=partner_admin, agreement=agreement, lines={variant: 3})
    data = {
        "agreement": agreement.pk,
        "address": address.pk,
        "submit_token": "t",
        "action": "draft",
    }
    response = english_client.post("/cart/checkout/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="checkout-errors"' in body
    assert f"“{variant.product.name}”: Sold in multiples of 5 шт. Order 5 шт." in body
    assert Order.objects.count() == 0
