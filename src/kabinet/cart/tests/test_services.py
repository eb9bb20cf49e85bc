from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import scope_for
from kabinet.cart import services
from kabinet.cart.models import Cart, CartLine
from kabinet.catalog.tests.factories import catalog_make
from kabinet.pricing.models import Price


def _lines(cart) -> dict[int, Decimal]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


@pytest.fixture
def cart(scope, agreement):
    return services.cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )


def test_the_working_cart_is_one_per_user_and_counterparty(scope, agreement):
    first = services.cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )
    again = services.cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )
    assert first.pk == again.pk
    assert (first.name, first.owner_id, first.partner_id) == ("", scope.user.pk, scope.partner_id)
    assert Cart.objects.count() == 1


def test_another_partners_counterparty_has_no_cart(scope, other_partner):
    foreign = Agreement.objects.filter(counterparty__partner=other_partner).first()
    with pytest.raises(Http404):
        services.cart_get_or_create(
            scope=scope, counterparty=foreign.counterparty, agreement=foreign
        )
    assert Cart.objects.count() == 0


def test_adding_a_variant_twice_adds_the_quantities(scope, cart, goods):
    variant = goods.variants[0]
    services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity=2)
    services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity="3")
    assert _lines(cart) == {variant.pk: Decimal("5")}


def test_setting_a_quantity_replaces_it_and_zero_removes_the_line(scope, cart, goods):
    variant = goods.variants[0]
    services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity=2)
    services.cart_line_set(scope=scope, cart=cart, variant_id=variant.pk, quantity="7")
    assert _lines(cart) == {variant.pk: Decimal("7")}
    assert services.cart_line_set(scope=scope, cart=cart, variant_id=variant.pk, quantity="0") == 0
    assert _lines(cart) == {}


def test_removing_a_line(scope, cart, goods):
    first, second = goods.variants[:2]
    services.cart_lines_add(scope=scope, cart=cart, items={first.pk: 1, second.pk: 2})
    assert services.cart_line_remove(scope=scope, cart=cart, variant_id=first.pk) is True
    assert services.cart_line_remove(scope=scope, cart=cart, variant_id=first.pk) is False
    assert _lines(cart) == {second.pk: Decimal("2")}


@pytest.mark.parametrize("quantity", ["1.5", "0,5", Decimal("2.25")])
def test_a_fraction_of_a_piece_good_is_refused(scope, cart, goods, quantity):
    variant = goods.variants[0]
    with pytest.raises(ValidationError) as refused:
        services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity=quantity)
    assert refused.value.messages == [f"“{variant.product.name}” is sold in whole units only."]
    assert _lines(cart) == {}


def test_fractions_are_accepted_for_goods_sold_in_fractions(scope, cart, goods):
    variant = goods.variants[0]
    variant.product.fractional = True
    variant.product.save()
    services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity="1,25")
    assert _lines(cart) == {variant.pk: Decimal("1.25")}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "“{name}”: the quantity must be greater than zero."),
        ("-2", "“{name}”: the quantity must be greater than zero."),
        ("abc", "Enter the quantity as a number."),
        ("NaN", "Enter the quantity as a number."),
        ("1.0001", "The quantity may have at most three decimal places."),
        ("1e12", "The quantity is too large."),
    ],
)
def test_a_bad_quantity_is_refused_and_nothing_changes(scope, cart, goods, quantity, message):
    variant = goods.variants[0]
    services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity=4)
    with pytest.raises(ValidationError) as refused:
        services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity=quantity)
    assert refused.value.messages == [message.format(name=variant.product.name)]
    assert _lines(cart) == {variant.pk: Decimal("4")}


def test_setting_a_negative_quantity_is_refused(scope, cart, goods):
    variant = goods.variants[0]
    services.cart_line_add(scope=scope, cart=cart, variant_id=variant.pk, quantity=4)
    with pytest.raises(ValidationError):
        services.cart_line_set(scope=scope, cart=cart, variant_id=variant.pk, quantity="-1")
    assert _lines(cart) == {variant.pk: Decimal("4")}


def test_unknown_inactive_unpriced_and_out_of_assortment_variants_answer_alike(
    scope, cart, goods, other_partner
):
    inactive, unpriced, inactive_product = goods.variants
    inactive.is_active = False
    inactive.save()
    Price.objects.filter(variant=unpriced).delete()
    inactive_product.product.is_active = False
    inactive_product.product.save()
    other_price_type = catalog_make(products=1).variants[0]
    other_partners = catalog_make(other_partner, products=1).variants[0]
    for variant_id in (
        999_999,
        2**70,
        -1,
        inactive.pk,
        unpriced.pk,
        inactive_product.pk,
        other_price_type.pk,
        other_partners.pk,
    ):
        with pytest.raises(ValidationError) as refused:
            services.cart_line_add(scope=scope, cart=cart, variant_id=variant_id, quantity=1)
        assert refused.value.messages == ["This product is not available to order."]
    assert _lines(cart) == {}


def test_a_variant_outside_the_agreements_assortment_is_not_available(scope, partner, agreement):
    limited = catalog_make(partner, products=1, assortment_rules=True)
    other_section = catalog_make(partner, products=1)
    cart = services.cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )
    services.cart_line_add(scope=scope, cart=cart, variant_id=limited.variants[0].pk, quantity=1)
    with pytest.raises(ValidationError) as refused:
        services.cart_line_add(
            scope=scope, cart=cart, variant_id=other_section.variants[0].pk, quantity=1
        )
    assert refused.value.messages == ["This product is not available to order."]
    assert _lines(cart) == {limited.variants[0].pk: Decimal("1")}


def test_adding_many_is_all_or_nothing(scope, cart, goods):
    first, second, third = goods.variants
    services.cart_line_add(scope=scope, cart=cart, variant_id=first.pk, quantity=1)
    with pytest.raises(ValidationError) as refused:
        services.cart_lines_add(
            scope=scope,
            cart=cart,
            items=[(first.pk, "2"), (second.pk, "1.5"), (999_999, "1"), (third.pk, "3")],
        )
    assert refused.value.messages == [
        "Some of the products are not available to order.",
        f"“{second.product.name}” is sold in whole units only.",
    ]
    assert _lines(cart) == {first.pk: Decimal("1")}


def test_adding_many_merges_repeats_and_existing_lines_in_few_queries(
    scope, cart, goods, django_assert_max_num_queries
):
    first, second, third = goods.variants
    services.cart_line_add(scope=scope, cart=cart, variant_id=first.pk, quantity=1)
    with django_assert_max_num_queries(9):
        services.cart_lines_add(
            scope=scope,
            cart=cart,
            items=[(first.pk, "2"), (second.pk, "1"), (second.pk, "4"), (third.pk, "3")],
        )
    assert _lines(cart) == {first.pk: Decimal(3), second.pk: Decimal(5), third.pk: Decimal(3)}


def test_adding_many_takes_a_mapping_too(scope, cart, goods):
    services.cart_lines_add(scope=scope, cart=cart, items={goods.variants[0].pk: Decimal(2)})
    assert _lines(cart) == {goods.variants[0].pk: Decimal(2)}


def test_clearing_the_cart(scope, cart, goods):
    services.cart_lines_add(scope=scope, cart=cart, items={v.pk: 1 for v in goods.variants})
    assert services.cart_clear(scope=scope, cart=cart) == 3
    assert _lines(cart) == {}


def test_a_colleague_cannot_change_someone_elses_cart(scope, cart, goods, partner):
    from kabinet.accounts.tests.factories import UserFactory

    colleague = scope_for(UserFactory(partner=partner))
    with pytest.raises(PermissionDenied):
        services.cart_line_add(
            scope=colleague, cart=cart, variant_id=goods.variants[0].pk, quantity=1
        )
    assert _lines(cart) == {}


def test_switching_the_agreement_keeps_the_cart_and_remembers_the_agreement(
    scope, partner, agreement, goods
):
    from kabinet.accounts.tests.factories import AgreementFactory

    second = AgreementFactory(counterparty=agreement.counterparty, price_type=agreement.price_type)
    cart = services.cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )
    again = services.cart_get_or_create(
        scope=scope, counterparty=agreement.counterparty, agreement=second
    )
    assert again.pk == cart.pk
    assert Cart.objects.get(pk=cart.pk).agreement_id == second.pk


def test_adding_without_a_quantity_adds_the_smallest_orderable_one(scope, cart, goods):
    plain, boxed = goods.variants[:2]
    boxed.product.order_multiple, boxed.product.min_quantity = Decimal(6), Decimal(10)
    boxed.product.save()
    services.cart_line_add(scope=scope, cart=cart, variant_id=plain.pk)
    services.cart_line_add(scope=scope, cart=cart, variant_id=boxed.pk)
    assert _lines(cart) == {plain.pk: Decimal(1), boxed.pk: Decimal(12)}
    with pytest.raises(ValidationError) as refused:
        services.cart_line_add(scope=scope, cart=cart, variant_id=999_999)
    assert refused.value.messages == ["This product is not available to order."]
