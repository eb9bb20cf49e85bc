from decimal import Decimal

import pytest
from django.http import Http404

from kabinet.accounts.scope import scope_for
from kabinet.catalog.models import Product
from kabinet.catalog.selectors import catalog_page
from kabinet.catalog.services import product_search_text_refresh
from kabinet.catalog.tests.factories import (
    AssortmentRuleFactory,
    BrandFactory,
    PartnerPriceFactory,
    ProductFactory,
    ProductPropertyFactory,
    PropertyFactory,
    SectionFactory,
    StockFactory,
    VariantFactory,
    catalog_make,
)
from kabinet.catalog.tests.helpers import head_agreement, names
from kabinet.pricing.models import Price, PriceType, Stock


def _rename(data, *new_names):
    for product, name in zip(data.products, new_names, strict=True):
        Product.objects.filter(pk=product.pk).update(name=name)
    product_search_text_refresh([p.pk for p in data.products])


def test_an_agreement_without_rules_sees_every_priced_active_product(partner, partner_admin):
    data = catalog_make(partner, products=2)
    _rename(data, "Bandage", "Catheter")
    inactive = catalog_make(partner, products=1).products[0]
    Product.objects.filter(pk=inactive.pk).update(name="Old bandage", is_active=False)
    unpriced = VariantFactory(product=ProductFactory(section=data.section, name="No price")).product

    assert names(partner_admin) == ["Bandage", "Catheter"]
    assert unpriced.name not in names(partner_admin)


def test_assortment_rules_limit_the_sections_and_products_an_agreement_sees(partner, partner_admin):
    root = SectionFactory(name="Consumables")
    gloves = SectionFactory(name="Gloves", parent=root)
    syringes = SectionFactory(name="Syringes")
    _rename(catalog_make(partner, products=1, section=gloves), "Nitrile gloves")
    listed = catalog_make(partner, products=2, section=syringes)
    _rename(listed, "Syringe 5 ml", "Syringe 10 ml")
    agreement = head_agreement(partner)
    AssortmentRuleFactory(agreement=agreement, section=root)
    AssortmentRuleFactory(agreement=agreement, product=listed.products[1])

    page = catalog_page(scope=scope_for(partner_admin), agreement=agreement)

    assert [p.name for p in page.products] == ["Nitrile gloves", "Syringe 10 ml"]
    assert [node.section.name for node in page.tree.nodes] == ["Consumables", "Syringes"]
    assert names(partner_admin, query="syringe") == ["Syringe 10 ml"]


def test_another_partner_without_the_product_in_its_assortment_finds_nothing(
    partner, other_partner, other_admin
):
    catalog_make(partner, products=2)  # priced only in the first partner's price types
    assert names(other_admin) == []
    assert names(other_admin, query="product") == []


def test_filters_by_section_with_its_subsections(partner, partner_admin):
    root = SectionFactory(name="Consumables")
    child = SectionFactory(name="Gloves", parent=root)
    other = SectionFactory(name="Syringes")
    for section, name in ((root, "Gauze"), (child, "Gloves M"), (other, "Syringe")):
        _rename(catalog_make(partner, products=1, section=section), name)

    assert names(partner_admin, section_id=root.pk) == ["Gauze", "Gloves M"]
    assert names(partner_admin, section_id=child.pk) == ["Gloves M"]


def test_filters_by_brand_property_and_stock(partner, partner_admin):
    data = catalog_make(partner, products=4)
    _rename(data, "A", "B", "C", "D")
    brand, other_brand = BrandFactory(name="Vogt"), BrandFactory(name="Apexmed")
    Product.objects.filter(pk__in=[data.products[0].pk, data.products[1].pk]).update(brand=brand)
    Product.objects.filter(pk=data.products[2].pk).update(brand=other_brand)
    material = PropertyFactory(name="Material")
    for product, value in zip(data.products, ["latex", "nitrile", "nitrile", "vinyl"], strict=True):
        ProductPropertyFactory(product=product, property=material, value=value)
    Stock.objects.filter(variant__product=data.products[1]).update(quantity=0)

    assert names(partner_admin, brand_ids=[brand.pk]) == ["A", "B"]
    assert names(partner_admin, brand_ids=[brand.pk, other_brand.pk]) == ["A", "B", "C"]
    assert names(partner_admin, property_filters={material.pk: ["nitrile"]}) == ["B", "C"]
    assert names(
        partner_admin, property_filters={material.pk: ["nitrile", "vinyl"]}, brand_ids=[brand.pk]
    ) == ["B"]
    assert names(partner_admin, in_stock=True) == ["A", "C", "D"]


def test_facets_list_brands_and_values_of_the_result_with_counts(partner, partner_admin):
    data = catalog_make(partner, products=3)
    brand = BrandFactory(name="Vogt")
    Product.objects.filter(pk__in=[p.pk for p in data.products[:2]]).update(brand=brand)
    material = PropertyFactory(name="Material")
    hidden = PropertyFactory(name="Internal code", is_filter=False)
    for product, value in zip(data.products, ["latex", "latex", "nitrile"], strict=True):
        ProductPropertyFactory(product=product, property=material, value=value)
        ProductPropertyFactory(product=product, property=hidden, value=f"x-{product.pk}")

    page = catalog_page(
        scope=scope_for(partner_admin),
        agreement=head_agreement(partner),
        brand_ids=[brand.pk],
        property_filters={material.pk: ["latex"]},
    )

    assert [(v.label, v.count, v.selected) for v in page.facets.brands] == [("Vogt", 2, True)]
    assert [(f.name, [(v.label, v.count, v.selected) for v in f.values])
            for f in page.facets.properties] == [
        ("Material", [("latex", 2, True), ("nitrile", 1, False)])
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha", "Bravo", "Charlie"]),
        ("article", ["Charlie", "Alpha", "Bravo"]),
        ("price", ["Bravo", "Charlie", "Alpha"]),
        ("-price", ["Alpha", "Charlie", "Bravo"]),
        ("stock", ["Charlie", "Bravo", "Alpha"]),
        ("nonsense", ["Alpha", "Bravo", "Charlie"]),
    ],
)
def test_sorts_by_name_article_price_and_stock(partner, partner_admin, sort, expected):
    data = catalog_make(partner, products=3)
    specs = [
        ("Alpha", "B-2", "300.00", 1),
        ("Bravo", "C-3", "100.00", 5),
        ("Charlie", "A-1", "200.00", 9),
    ]
    for product, (name, article, price, stock) in zip(data.products, specs, strict=True):
        Product.objects.filter(pk=product.pk).update(name=name, article=article)
        Price.objects.filter(variant__product=product).update(amount=Decimal(price))
        Stock.objects.filter(variant__product=product).update(quantity=stock)

    assert names(partner_admin, sort=sort) == expected


def test_price_sort_takes_the_cheapest_variant_and_puts_unpriced_last(partner, partner_admin):
    data = catalog_make(partner, products=2, variants_per_product=2)
    _rename(data, "Two sizes", "Cheap size")
    cheap = data.products[1].variants.order_by("pk").last()
    Price.objects.filter(variant=cheap).update(amount=Decimal("5.00"))
    only_partner = ProductFactory(section=data.section, name="Partner only")
    PartnerPriceFactory(partner=partner, variant=VariantFactory(product=only_partner))

    assert names(partner_admin, sort="price") == ["Cheap size", "Two sizes", "Partner only"]
    assert names(partner_admin, sort="-price") == ["Two sizes", "Cheap size", "Partner only"]


def test_price_sort_adds_each_products_vat_when_the_price_type_excludes_it(partner, partner_admin):
    data = catalog_make(partner, products=2)
    PriceType.objects.filter(pk__in=[t.pk for t in data.price_types]).update(vat_included=False)
    for product, (name, net, vat) in zip(
        data.products, [("Taxed", "100.00", "20.00"), ("Exempt", "105.00", None)], strict=True
    ):
        Product.objects.filter(pk=product.pk).update(name=name, vat_rate=vat)
        Price.objects.filter(variant__product=product).update(amount=Decimal(net))

    # with VAT: 120.00 and 105.00
    assert names(partner_admin, sort="price") == ["Exempt", "Taxed"]


def test_a_page_carries_its_products_offers_prices_and_totals(partner, partner_admin):
    data = catalog_make(partner, products=3, variants_per_product=2, price="50.00")
    StockFactory(variant=data.variants[0], quantity=Decimal("2.5"))

    page = catalog_page(
        scope=scope_for(partner_admin), agreement=head_agreement(partner), per_page=2, page=2
    )

    assert (page.total, page.page, page.num_pages, page.has_previous, page.has_next) == (
        3, 2, 2, True, False
    )  # fmt: skip
    assert [p.pk for p in page.products] == [data.products[2].pk]
    product = page.products[0]
    assert [v.pk for v in product.offers] == [v.pk for v in data.variants[4:6]]
    assert product.single is None
    assert product.price_from.amount == Decimal("50.00")
    assert product.stock_total == Decimal("20")


def test_a_page_past_the_end_shows_the_last_one(partner, partner_admin):
    catalog_make(partner, products=3)
    page = catalog_page(
        scope=scope_for(partner_admin), agreement=head_agreement(partner), per_page=2, page=9
    )
    assert (page.page, len(page.products), page.total) == (2, 1, 3)


def test_an_agreement_of_another_partner_is_refused(partner, other_partner, other_admin):
    with pytest.raises(Http404):
        catalog_page(scope=scope_for(other_admin), agreement=head_agreement(partner))


def test_price_in_list_is_the_partners_own(partner, partner_admin):
    data = catalog_make(partner, products=2, partner_prices=True, price="100.00")

    page = catalog_page(scope=scope_for(partner_admin), agreement=head_agreement(partner))

    prices = {p.pk: p.single.price for p in page.products}
    fixed, discounted = prices[data.products[0].pk], prices[data.products[1].pk]
    assert (fixed.amount, fixed.list_amount, fixed.has_discount) == (
        Decimal("77.00"), Decimal("100.00"), True
    )  # fmt: skip
    assert (discounted.amount, discounted.source) == (Decimal("90.00"), "partner-discount")


def test_a_section_sorted_first_comes_first_in_the_tree(partner, partner_admin):
    late, early = SectionFactory(name="A late", sort=900), SectionFactory(name="Z early", sort=1)
    child = SectionFactory(name="Child", parent=early)
    for section in (late, child):
        catalog_make(partner, products=1, section=section)

    page = catalog_page(
        scope=scope_for(partner_admin), agreement=head_agreement(partner), section_id=child.pk
    )

    assert [(n.section.name, n.depth, n.current, n.open) for n in page.tree.nodes] == [
        ("Z early", 0, False, True),
        ("Child", 1, True, True),
        ("A late", 0, False, False),
    ]
    assert [s.name for s in page.tree.path] == ["Z early", "Child"]
