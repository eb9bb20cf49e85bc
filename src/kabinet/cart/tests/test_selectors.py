from decimal import Decimal

import pytest
from django.http import Http404

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart import selectors, services
from kabinet.cart.display import cart_rows
from kabinet.cart.selectors import WarningCode
from kabinet.cart.tests.factories import cart_make, variants_bulk_make
from kabinet.catalog.tests.factories import PartnerPriceFactory, catalog_make
from kabinet.pricing.models import Price, Stock


def _view(scope, cart):
    return selectors.cart_view(scope=scope, cart=cart)


def test_the_cart_shows_live_prices_never_stored_ones(scope, partner_admin, goods):
    variant = goods.variants[0]
    cart = cart_make(owner=partner_admin, lines={variant: 3})
    line = _view(scope, cart).lines[0]
    assert (line.price.amount, line.amount) == (Decimal("100.00"), Decimal("300.00"))
    Price.objects.filter(variant=variant).update(amount=Decimal("123.45"))
    line = _view(scope, cart).lines[0]
    assert (line.price.amount, line.amount) == (Decimal("123.45"), Decimal("370.35"))


def test_a_partner_price_wins_over_the_agreement_price(scope, partner, partner_admin, goods):
    variant = goods.variants[0]
    PartnerPriceFactory(partner=partner, variant=variant, amount=Decimal("80.00"))
    cart = cart_make(owner=partner_admin, lines={variant: 2})
    assert _view(scope, cart).lines[0].amount == Decimal("160.00")


def test_totals_count_vat_by_rate_weight_and_volume(scope, partner_admin, goods):
    first, second, third = goods.variants
    first.product.weight_kg, first.product.volume_m3 = Decimal("0.250"), Decimal("0.0010")
    first.product.save()
    second.product.vat_rate = Decimal("20.00")
    second.product.weight_kg = Decimal("1.5")
    second.product.save()
    third.product.vat_rate = None
    third.product.save()
    cart = cart_make(owner=partner_admin, lines={first: 4, second: 2, third: 1})
    totals = _view(scope, cart).totals
    assert (totals.count, totals.lines, totals.unavailable) == (3, 3, 0)
    assert totals.quantity == Decimal(7)
    assert totals.amount == Decimal("700.00")
    assert totals.vat_by_rate == [
        (Decimal("10.00"), Decimal("36.36")),
        (Decimal("20.00"), Decimal("33.33")),
    ]
    assert totals.vat == Decimal("69.69")
    assert (totals.weight_kg, totals.weight_partial) == (Decimal("4.000"), True)
    assert (totals.volume_m3, totals.volume_partial) == (Decimal("0.0040"), True)
    assert totals.currency == "RUB"


def test_weight_is_not_shown_when_no_line_knows_it(scope, partner_admin, goods):
    cart = cart_make(owner=partner_admin, lines={goods.variants[0]: 1})
    totals = _view(scope, cart).totals
    assert (totals.weight_kg, totals.volume_m3) == (None, None)


def test_a_deactivated_variant_is_shown_as_unavailable_and_left_out_of_the_totals(
    scope, partner_admin, goods
):
    stale, kept = goods.variants[:2]
    cart = cart_make(owner=partner_admin, lines={stale: 2, kept: 1})
    stale.is_active = False
    stale.save()
    view = _view(scope, cart)
    stale_line, kept_line = view.lines
    assert (stale_line.available, stale_line.price, stale_line.amount) == (False, None, None)
    assert [w.code for w in stale_line.warnings] == [WarningCode.UNAVAILABLE]
    assert stale_line.title == stale.product.name  # the user still sees what it was
    assert kept_line.available is True
    assert (view.totals.lines, view.totals.unavailable, view.totals.amount) == (
        1,
        1,
        Decimal("100.00"),
    )


@pytest.mark.parametrize("change", ["product-inactive", "price-gone", "out-of-assortment"])
def test_lines_that_can_no_longer_be_ordered_are_unavailable(
    scope, partner, partner_admin, goods, change
):
    variant = goods.variants[0]
    cart = cart_make(owner=partner_admin, lines={variant: 1})
    if change == "product-inactive":
        variant.product.is_active = False
        variant.product.save()
    elif change == "price-gone":
        Price.objects.filter(variant=variant).delete()
    else:
        catalog_make(partner, products=1, assortment_rules=True)  # limits to another section
    line = _view(scope, cart).lines[0]
    assert line.available is False
    assert line.warnings[0].message == (
        "No longer available: it will not be ordered. Remove it from the cart."
    )


def test_multiples_and_minimums_warn_and_propose_the_nearest_valid_quantity(
    scope, partner_admin, goods
):
    multiple, minimum, both = goods.variants
    multiple.product.order_multiple = Decimal(5)
    multiple.product.save()
    minimum.product.min_quantity = Decimal(10)
    minimum.product.save()
    both.product.order_multiple, both.product.min_quantity = Decimal(6), Decimal(12)
    both.product.save()
    cart = cart_make(owner=partner_admin, lines={multiple: 7, minimum: 3, both: 4})
    lines = _view(scope, cart).lines
    assert [[w.message for w in line.warnings] for line in lines] == [
        ["Sold in multiples of 5 шт."],
        ["The minimum order is 10 шт."],
        ["The minimum order is 12 шт.", "Sold in multiples of 6 шт."],
    ]
    assert [line.suggested_quantity for line in lines] == [Decimal(5), Decimal(10), Decimal(12)]
    assert all(w.blocking for line in lines for w in line.warnings)


def test_a_stock_shortfall_warns_with_the_stock(scope, partner_admin, goods):
    short, missing = goods.variants[:2]
    Stock.objects.filter(variant=missing).delete()
    cart = cart_make(owner=partner_admin, lines={short: 12, missing: 1})
    lines = _view(scope, cart).lines
    assert [(w.code, w.message, w.blocking) for w in lines[0].warnings] == [
        (WarningCode.STOCK, "Only 10 шт in stock: the supplier will confirm the rest.", False)
    ]
    assert lines[0].stock == Decimal(10)
    assert lines[1].warnings[0].message == (
        "Out of stock: the supplier will confirm what it can deliver."
    )


def test_stock_levels_hide_exact_quantities(scope, partner_admin, goods, settings):
    settings.KABINET_STOCK_DISPLAY = "levels"
    Stock.objects.filter(variant=goods.variants[0]).update(quantity=4)
    cart = cart_make(owner=partner_admin, lines={goods.variants[0]: 12})
    line = _view(scope, cart).lines[0]
    assert cart_rows([line])[0].stock == "Few left"
    assert line.warnings[0].message == (
        "Not enough in stock: the supplier will confirm what it can deliver."
    )


def test_the_cart_view_reads_a_fixed_number_of_queries_for_5_or_500_lines(
    scope, partner_admin, agreement, django_assert_num_queries
):
    variants = variants_bulk_make(agreement.price_type, n=500)
    small = cart_make(owner=partner_admin, lines=dict.fromkeys(variants[:5], 1))
    other = UserFactory(partner=partner_admin.partner)
    big = cart_make(owner=other, lines=dict.fromkeys(variants, 1))
    other_scope = scope_for(other)
    with django_assert_num_queries(4):
        assert len(_view(scope, small).lines) == 5
    with django_assert_num_queries(4):
        assert _view(other_scope, big).totals.lines == 500


def test_another_partners_cart_is_not_found(scope, other_partner, goods):
    foreign_user = UserFactory(partner=other_partner)
    foreign = cart_make(owner=foreign_user, name="Omega template", shared=True)
    with pytest.raises(Http404):
        _view(scope, foreign)
    with pytest.raises(Http404):
        selectors.saved_cart_get(scope, foreign.pk)
    assert selectors.saved_cart_list(scope) == []


def test_colleagues_see_shared_saved_carts_only(scope, partner, partner_admin):
    colleague = UserFactory(partner=partner)
    shared = cart_make(owner=colleague, name="Weekly", shared=True)
    cart_make(owner=colleague, name="Private")
    cart_make(owner=colleague)  # a working cart is never shared
    mine = cart_make(owner=partner_admin, name="Mine")
    assert [c.pk for c in selectors.saved_cart_list(scope)] == [mine.pk, shared.pk]
    assert selectors.saved_cart_get(scope, shared.pk) == shared


def test_an_employee_limited_to_a_counterparty_sees_only_its_carts(partner, partner_admin):
    from kabinet.accounts.models import Counterparty

    head = Counterparty.objects.get(partner=partner, parent=None)
    branch = Counterparty.objects.get(partner=partner, parent=head)
    limited = UserFactory(partner=partner)
    limited.counterparties.set([branch])
    shared_for_head = cart_make(owner=partner_admin, name="Head weekly", shared=True)
    assert shared_for_head.counterparty_id == head.pk
    with pytest.raises(Http404):
        selectors.saved_cart_get(scope_for(limited), shared_for_head.pk)


def test_the_working_cart_of_a_reader_is_never_created(scope, agreement):
    cart = selectors.cart_working(
        scope=scope, counterparty=agreement.counterparty, agreement=agreement
    )
    assert cart.pk is None
    assert _view(scope, cart).lines == []
    assert services  # the services create it on the first change
