import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kabinet.accounts.models import Agreement, Partner
from kabinet.catalog.models import Barcode, Product, ProductDocument, Section, Variant
from kabinet.catalog.search import search_normalize
from kabinet.core.money import money
from kabinet.demo import names
from kabinet.demo.catalog import catalog_generate, catalog_plan, ean13
from kabinet.demo.generator import PRICE_TYPES, demo_generate
from kabinet.pricing.models import AssortmentRule, PartnerPrice, Price, PriceType, Stock


@pytest.fixture
def price_types(db):
    return [PriceType.objects.create(ext_id=ext_id, name=name) for ext_id, name in PRICE_TYPES]


@pytest.fixture
def catalog(price_types):
    return catalog_generate(skus=1500, seed=7)


def _matrix(product: Product) -> tuple[set[str], set[str], int]:
    variants = list(product.variants.all())
    return {v.color for v in variants}, {v.size for v in variants}, len(variants)


def _products_under(top: str, noun: str):
    return Product.objects.filter(section__parent__parent__name=top, name__startswith=noun)


def test_catalog_has_exactly_the_asked_skus_in_a_tree_of_two_or_three_levels(catalog):
    assert catalog.variants == Variant.objects.count() == 1500
    assert catalog.sections == Section.objects.count() == 150
    assert Section.objects.filter(parent__isnull=True).count() == 14
    assert not Section.objects.filter(parent__parent__parent__isnull=False).exists()
    leaves = Section.objects.filter(children__isnull=True)
    assert set(Product.objects.values_list("section_id", flat=True)) == set(
        leaves.values_list("pk", flat=True)
    )


def test_examination_gloves_are_a_size_by_colour_matrix_sold_by_the_box(catalog):
    gloves = _products_under("Перчатки", "Перчатки смотровые").order_by("pk")[:5]
    assert len(gloves) == 5
    for product in gloves:
        colours, sizes, count = _matrix(product)
        assert sizes == {"XS", "S", "M", "L", "XL"}
        assert colours <= set(names.GLOVE_COLOURS.split(";"))
        assert count == 5 * len(colours)
        assert (product.unit, product.order_multiple, product.min_quantity) == ("шт", 100, 100)
        assert product.vat_rate == 10


def test_gowns_come_in_sizes_42_to_62_by_colour_with_20_percent_vat(catalog):
    gowns = Product.objects.filter(section__name="Хирургические", name__startswith="Халат")[:3]
    assert len(gowns) == 3
    for gown in gowns:
        colours, sizes, count = _matrix(gown)
        assert sizes == {str(size) for size in range(42, 64, 2)}
        assert count == 11 * len(colours)
        assert gown.vat_rate == 20


def test_catheters_come_in_french_sizes_and_syringes_in_volumes(catalog):
    catheter = Product.objects.filter(name__startswith="Катетер Фолея").first()
    _colours, sizes, _count = _matrix(catheter)
    assert sizes
    assert all(re.fullmatch(r"\d+ Fr", size) for size in sizes)
    syringe = Product.objects.filter(name__startswith="Шприц двухкомпонентный").first()
    volumes = [v.characteristics["Объём"] for v in syringe.variants.order_by("sort")]
    assert volumes == ["2 мл", "3 мл", "5 мл", "10 мл", "20 мл"]
    prices = list(
        Price.objects.filter(variant__product=syringe, price_type__ext_id="pt-base")
        .order_by("variant__sort")
        .values_list("amount", flat=True)
    )
    assert prices == sorted(prices)  # the bigger, the dearer


def test_every_variant_has_a_price_in_every_price_type_below_the_base(catalog, price_types):
    base, wholesale, large = price_types
    assert Price.objects.count() == 1500 * 3
    amounts: dict[int, dict[int, Decimal]] = {}
    for variant_id, price_type_id, amount in Price.objects.values_list(
        "variant_id", "price_type_id", "amount"
    ):
        amounts.setdefault(variant_id, {})[price_type_id] = amount
    assert len(amounts) == 1500
    for by_type in amounts.values():
        assert by_type[wholesale.pk] == money(by_type[base.pk] * Decimal("0.93"))
        assert by_type[large.pk] == money(by_type[base.pk] * Decimal("0.88"))
        assert by_type[base.pk] > 0


def test_barcodes_are_unique_valid_ean13_one_per_variant(catalog):
    codes = list(Barcode.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 1500
    for code in codes:
        assert re.fullmatch(r"\d{13}", code)
        assert ean13(code[:12]) == code
    assert ean13("400638133393") == "4006381333931"  # the example in GS1's own documents


def test_only_litres_are_sold_in_fractions(catalog):
    litres = Product.objects.filter(unit="л")
    assert litres.exists()
    assert set(Product.objects.filter(fractional=True).values_list("unit", flat=True)) == {"л"}
    assert not litres.filter(fractional=False).exists()
    assert set(Product.objects.values_list("unit", flat=True)) == {"шт", "пара", "уп", "фл", "л"}


def test_medical_devices_have_registration_certificates_some_with_an_expiry(catalog):
    certificates = ProductDocument.objects.filter(kind=ProductDocument.Kind.REGISTRATION)
    assert certificates.count() == Product.objects.filter(vat_rate=10).count()
    for title, number in certificates.values_list("title", "number"):
        assert re.fullmatch(r"РЗН 20\d\d/\d+", number)
        assert title == f"Регистрационное удостоверение № {number}"
    assert certificates.filter(valid_until__isnull=False).exists()
    assert certificates.filter(valid_until__isnull=True).exists()


def test_stock_is_kept_at_three_warehouses_in_whole_multiples_some_out(catalog):
    rows = list(
        Stock.objects.values_list("warehouse__name", "quantity", "variant__product__order_multiple")
    )
    assert len(rows) == 1500 * 3
    assert {name for name, _q, _m in rows} == {"Москва", "Санкт-Петербург", "Екатеринбург"}
    assert all(quantity % multiple == 0 for _n, quantity, multiple in rows)
    out = Counter(name for name, quantity, _m in rows if quantity == 0)
    assert 0 < out["Москва"] < out["Екатеринбург"] < 1500


def test_search_text_holds_name_codes_and_barcodes_in_lower_case(catalog):
    product = Product.objects.filter(name__contains="ё").first() or Product.objects.first()
    barcode = Barcode.objects.filter(variant__product=product).first().code
    text = product.search_text
    assert search_normalize(product.name) in text
    assert search_normalize(product.article) in text
    assert product.article_key == search_normalize(product.article)
    assert product.erp_code in text
    assert barcode in text
    assert "ё" not in text
    assert not Product.objects.filter(search_text="").exists()


def test_partners_get_own_prices_and_a_dental_clinic_a_limited_assortment(db):
    demo_generate(partners=8, skus=600, months=0)
    first, fifth = Partner.objects.order_by("pk")[0], Partner.objects.order_by("pk")[4]
    assert set(PartnerPrice.objects.values_list("partner_id", flat=True)) == {first.pk, fifth.pk}
    assert PartnerPrice.objects.filter(amount__isnull=False).exists()
    assert PartnerPrice.objects.filter(discount_percent__isnull=False).exists()
    agreements = set(AssortmentRule.objects.values_list("agreement_id", flat=True))
    assert len(agreements) == 2
    dental = Agreement.objects.get(
        pk__in=agreements, counterparty__partner__name__startswith="Стом"
    )
    assert set(dental.assortment_rules.values_list("section__name", flat=True)) == {
        "Стоматология",
        "Перчатки",
        "Маски и респираторы",
        "Антисептики и дезинфекция",
    }


def test_the_same_seed_plans_the_same_catalog():
    one = catalog_plan(random.Random(1), skus=300)
    two = catalog_plan(random.Random(1), skus=300)
    assert [p.name for p in one.products] == [p.name for p in two.products]
    assert one.variant_count == 300


class _Undo(Exception):
    pass


def _reads(**kwargs) -> int:
    """SELECTs that catalog_generate runs; its writes are undone."""
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                catalog_generate(**kwargs)
                raise _Undo
        except _Undo:
            pass
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT"))


def test_catalog_reads_do_not_grow_with_its_size(price_types):
    assert _reads(skus=100) == _reads(skus=1500)
