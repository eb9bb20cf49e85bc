from decimal import Decimal

from kabinet.accounts.scope import scope_for
from kabinet.catalog.models import Variant
from kabinet.catalog.tests.factories import (
    PartnerPriceFactory,
    ProductFactory,
    StockFactory,
    VariantFactory,
    WarehouseFactory,
    catalog_make,
)
from kabinet.catalog.tests.helpers import head_agreement
from kabinet.pricing.models import Price, PriceType
from kabinet.pricing.selectors import (
    PriceSource,
    prices_for,
    pricing_context,
    stock_for,
    variants_priced,
)


def _context(partner, user):
    return pricing_context(scope=scope_for(user), agreement=head_agreement(partner))


def test_the_agreement_price_is_the_price_by_default(partner, partner_admin):
    variant = catalog_make(partner, products=1, price="120.00").variants[0]

    price = prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk])[
        variant.pk
    ]

    assert (price.amount, price.list_amount, price.source, price.currency) == (
        Decimal("120.00"), Decimal("120.00"), PriceSource.AGREEMENT, "RUB"
    )  # fmt: skip
    assert not price.has_discount


def test_a_partner_price_overrides_the_agreement_price(partner, partner_admin):
    variant = catalog_make(partner, products=1, price="120.00").variants[0]
    PartnerPriceFactory(partner=partner, variant=variant, amount=Decimal("99.90"))

    price = prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk])[
        variant.pk
    ]

    assert (price.amount, price.list_amount, price.source, price.has_discount) == (
        Decimal("99.90"), Decimal("120.00"), PriceSource.PARTNER, True
    )  # fmt: skip


def test_a_partner_discount_applies_to_the_agreement_price(partner, partner_admin):
    variant = catalog_make(partner, products=1, price="120.00").variants[0]
    PartnerPriceFactory(
        partner=partner, variant=variant, amount=None, discount_percent=Decimal("12.5")
    )

    price = prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk])[
        variant.pk
    ]

    assert (price.amount, price.source) == (Decimal("105.00"), PriceSource.PARTNER_DISCOUNT)


def test_another_partners_price_does_not_apply(partner, partner_admin, other_partner):
    variant = catalog_make(partner, products=1, price="120.00").variants[0]
    PartnerPriceFactory(partner=other_partner, variant=variant, amount=Decimal("1.00"))

    price = prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk])[
        variant.pk
    ]

    assert price.amount == Decimal("120.00")


def test_vat_is_added_when_the_price_type_excludes_it(partner, partner_admin):
    data = catalog_make(partner, products=1, price="100.00")
    PriceType.objects.filter(pk__in=[t.pk for t in data.price_types]).update(vat_included=False)
    variant = data.variants[0]  # the product's VAT rate is 10%
    PartnerPriceFactory(partner=partner, variant=variant, amount=Decimal("50.00"))

    price = prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk])[
        variant.pk
    ]

    assert (price.amount, price.list_amount, price.vat_rate) == (
        Decimal("55.00"), Decimal("110.00"), Decimal("10.00")
    )  # fmt: skip


def test_a_variant_without_a_price_in_the_agreement_is_not_priced(partner, partner_admin):
    variant = catalog_make(partner, products=1).variants[0]
    Price.objects.filter(variant=variant).delete()

    assert prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk]) == {}


def test_variants_priced_agrees_with_prices_for_and_stock_for(partner, partner_admin):
    data = catalog_make(partner, products=3, variants_per_product=2, partner_prices=True)
    StockFactory(variant=data.variants[2], warehouse=WarehouseFactory(), quantity=Decimal("4.5"))
    StockFactory(variant=data.variants[3], warehouse=WarehouseFactory(is_active=False))
    unpriced = VariantFactory(product=data.products[0])
    context = _context(partner, partner_admin)
    ids = [v.pk for v in data.variants] + [unpriced.pk]

    priced = variants_priced(
        context=context, variants=Variant.objects.filter(pk__in=ids).order_by("pk")
    )

    prices, stock = prices_for(context=context, variant_ids=ids), stock_for(variant_ids=ids)
    assert [v.pk for v in priced] == [v.pk for v in data.variants]
    assert {v.pk: v.price for v in priced} == prices
    assert {v.pk: v.stock_total for v in priced} == {pk: stock.get(pk, Decimal(0)) for pk in prices}
    assert priced[2].stock_total == Decimal("14.5")


def test_a_partner_only_price_makes_a_product_orderable_for_that_partner(partner, partner_admin):
    catalog_make(partner, products=1)
    product = ProductFactory(name="Special order")
    variant = VariantFactory(product=product)
    PartnerPriceFactory(partner=partner, variant=variant, amount=Decimal("10.00"))

    price = prices_for(context=_context(partner, partner_admin), variant_ids=[variant.pk])

    assert price[variant.pk].amount == Decimal("10.00")
    assert price[variant.pk].list_amount == Decimal("10.00")
