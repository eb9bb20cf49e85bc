"""Finding the variant of each row (D1, B9, C4): kinds of identifiers, their order, ambiguity,
and the reasons a found product cannot be ordered — in a fixed number of queries."""

from decimal import Decimal

import pytest

from kabinet.catalog.tests.factories import AssortmentRuleFactory, SectionFactory
from kabinet.imports.matching import DEFAULT_ORDER, match_order_clean, match_rows
from kabinet.imports.models import ImportJob, ImportRow, PartnerProductCode
from kabinet.imports.services import import_job_paste
from kabinet.imports.tests.factories import product_make
from kabinet.pricing.models import Price
from kabinet.pricing.selectors import pricing_context

Outcome = ImportRow.Outcome
ORDER = [role.value for role in DEFAULT_ORDER]


@pytest.fixture
def context(scope, agreement):
    return pricing_context(scope=scope, agreement=agreement)


def matched(context, *identifier_sets, order=ORDER, any_code=False):
    rows = [
        ImportRow(row_number=n, identifiers=identifiers, any_code=any_code, quantity_text="1")
        for n, identifiers in enumerate(identifier_sets, start=2)
    ]
    match_rows(context=context, rows=rows, order=order)
    return rows


def pasted(scope, agreement, text) -> list[ImportRow]:
    job = import_job_paste(scope=scope, agreement=agreement, text=text)
    assert job.status == ImportJob.Status.MATCHED
    return list(job.rows.order_by("row_number"))


def test_a_pasted_code_is_looked_up_as_every_kind_of_code_and_as_a_name(partner, scope, agreement):
    by_article = product_make(partner, article="АС-500")
    by_barcode = product_make(partner, article="B-1", barcodes=["4601234567893"])
    by_erp = product_make(partner, article="E-1", erp_code="000001234")
    by_own = product_make(partner, article="O-1")
    by_name = product_make(partner, article="N-1", name="Бинт стерильный 7 м × 14 см")
    PartnerProductCode.objects.create(
        partner=partner, product=by_own, code="НАШ-17", code_key="наш-17"
    )

    rows = pasted(
        scope,
        agreement,
        "ас-500 1\n4601234567893 2\n000001234 3\nнаш-17 4\nБинт стерильный 7 м × 14 см 5",
    )

    assert [(r.row_number, r.outcome, r.variant_id, r.matched_by) for r in rows] == [
        (1, Outcome.OK, by_article.test_variants[0].pk, "article"),
        (2, Outcome.OK, by_barcode.test_variants[0].pk, "barcode"),
        (3, Outcome.OK, by_erp.test_variants[0].pk, "erp_code"),
        (4, Outcome.OK, by_own.test_variants[0].pk, "partner_code"),
        (5, Outcome.OK, by_name.test_variants[0].pk, "name"),
    ]
    assert [r.quantity for r in rows] == [Decimal(n) for n in range(1, 6)]


def test_file_columns_are_tried_in_the_order_the_user_chose(partner, context):
    by_article = product_make(partner, article="X-1")
    by_barcode = product_make(partner, article="Y-1", barcodes=["4600000000011"])
    identifiers = {"article": "X-1", "barcode": "4600000000011"}

    (default,) = matched(context, identifiers)
    (barcode_first,) = matched(context, identifiers, order=match_order_clean(["barcode"]))

    assert (default.variant_id, default.matched_by) == (by_article.test_variants[0].pk, "article")
    assert (barcode_first.variant_id, barcode_first.matched_by) == (
        by_barcode.test_variants[0].pk,
        "barcode",
    )
    assert match_order_clean(["barcode", "bogus", "barcode"]) == [
        "barcode",
        "article",
        "erp_code",
        "partner_code",
        "name",
    ]


def test_an_article_of_a_product_in_sizes_is_ambiguous_and_lists_the_candidates(partner, context):
    gloves = product_make(
        partner, article="GL-7", sizes=["S", "M", "L"], barcodes=["4600000000101", "4600000000102"]
    )
    small, medium, large = gloves.test_variants

    (ambiguous, settled) = matched(
        context, {"article": "GL-7"}, {"article": "GL-7", "barcode": "4600000000102"}
    )

    assert (ambiguous.outcome, ambiguous.variant_id) == (Outcome.AMBIGUOUS, None)
    assert ambiguous.candidates == [small.pk, medium.pk, large.pk]
    assert (settled.outcome, settled.variant_id, settled.matched_by) == (
        Outcome.OK,
        medium.pk,
        "barcode",
    )


def test_not_in_the_assortment_no_longer_sold_and_unknown_are_told_apart(
    partner, agreement, scope, context
):
    product_make(partner, article="UNPRICED", priced=False)
    product_make(partner, article="OLD", active=False)
    elsewhere = product_make(partner, article="OTHER-SECTION")

    rows = matched(
        context,
        {"article": "UNPRICED"},
        {"article": "OLD"},
        {"article": "NOWHERE"},
        {"article": "OTHER-SECTION"},
        {},
    )
    assert [r.outcome for r in rows] == [
        Outcome.NOT_IN_ASSORTMENT,
        Outcome.INACTIVE,
        Outcome.UNKNOWN,
        Outcome.OK,
        Outcome.NO_IDENTIFIER,
    ]

    AssortmentRuleFactory(agreement=agreement, section=SectionFactory())
    fresh = type(agreement).objects.select_related("price_type").get(pk=agreement.pk)
    limited = pricing_context(scope=scope, agreement=fresh)
    (outside,) = matched(limited, {"article": "OTHER-SECTION"})
    assert (outside.outcome, elsewhere.is_active) == (Outcome.NOT_IN_ASSORTMENT, True)


def test_codes_match_whatever_their_leading_zeros_and_letter_case(partner, context):
    by_barcode = product_make(partner, article="Z-1", barcodes=["4601234567893"])
    by_erp = product_make(partner, article="Z-2", erp_code="000001234")
    by_article = product_make(partner, article="AB-12")
    mixed = product_make(partner, article="Cd-3")

    rows = matched(
        context,
        {"barcode": "04601234567893"},
        {"erp_code": "1234"},
        {"article": "ab-12"},
        {"article": "Ab-12"},
        {"article": "Cd-3"},
        {"article": "cd-3"},
    )

    assert [r.variant_id for r in rows] == [
        by_barcode.test_variants[0].pk,
        by_erp.test_variants[0].pk,
        by_article.test_variants[0].pk,
        by_article.test_variants[0].pk,
        mixed.test_variants[0].pk,
        mixed.test_variants[0].pk,
    ]


def test_an_exact_name_followed_by_the_size_finds_that_size(partner, context):
    gloves = product_make(partner, article="GL-9", name="Перчатки нитриловые", sizes=["S", "M"])

    rows = matched(
        context,
        {"name": "Перчатки нитриловые M"},
        {"name": "Перчатки нитриловые"},
        {"name": "Перчатки"},
    )

    assert (rows[0].outcome, rows[0].variant_id) == (Outcome.OK, gloves.test_variants[1].pk)
    assert (rows[1].outcome, rows[1].candidates) == (
        Outcome.AMBIGUOUS,
        [v.pk for v in gloves.test_variants],
    )
    assert rows[2].outcome == Outcome.UNKNOWN


def test_the_colour_and_size_in_the_name_column_choose_the_variant(partner, context):
    shirts = product_make(
        partner,
        article="TS-1",
        name="Футболка хлопковая",
        sizes=["Белый, M", "Белый, L", "Чёрный, M"],
    )
    white_m, white_l, black_m = shirts.test_variants
    for variant in shirts.test_variants:
        variant.color, variant.size = (part.strip() for part in variant.name.split(","))
        variant.save()

    rows = matched(
        context,
        {"article": "TS-1", "name": "белый M"},
        {"article": "TS-1", "name": "Футболка хлопковая M черный"},
        {"article": "TS-1", "name": "Футболка хлопковая, белый"},
        {"article": "TS-1", "name": "Футболка хлопковая"},
        {"name": "Футболка хлопковая белый L"},
    )

    assert [(row.outcome, row.variant_id, row.matched_by) for row in rows[:2]] == [
        (Outcome.OK, white_m.pk, "article"),
        (Outcome.OK, black_m.pk, "article"),
    ]
    # A colour without the size (or nothing) names no single variant: all stay offered.
    assert (rows[2].outcome, rows[2].candidates) == (
        Outcome.AMBIGUOUS,
        [v.pk for v in (white_m, white_l, black_m)],
    )
    assert (rows[3].outcome, rows[3].candidates) == (rows[2].outcome, rows[2].candidates)
    assert (rows[4].outcome, rows[4].variant_id, rows[4].matched_by) == (
        Outcome.OK,
        white_l.pk,
        "name",
    )


def test_another_partners_own_codes_are_not_used(partner, other_partner, context):
    product = product_make(partner, article="P-1")
    PartnerProductCode.objects.create(
        partner=other_partner, product=product, code="OMEGA-9", code_key="omega-9"
    )
    (row,) = matched(context, {"partner_code": "OMEGA-9"})
    assert row.outcome == Outcome.UNKNOWN


def test_a_partner_code_of_a_whole_product_in_sizes_is_ambiguous_one_of_a_variant_is_not(
    partner, context
):
    gloves = product_make(partner, article="GL-3", sizes=["S", "M"])
    PartnerProductCode.objects.create(partner=partner, product=gloves, code="ПЕРЧ", code_key="перч")
    PartnerProductCode.objects.create(
        partner=partner,
        product=gloves,
        variant=gloves.test_variants[1],
        code="ПЕРЧ-M",
        code_key="перч-m",
    )

    whole, medium = matched(context, {"partner_code": "перч"}, {"partner_code": "Перч-M"})

    assert whole.outcome == Outcome.AMBIGUOUS
    assert (medium.outcome, medium.variant_id) == (Outcome.OK, gloves.test_variants[1].pk)


def test_matching_takes_the_same_number_of_queries_for_10_and_1000_rows(
    partner, context, django_assert_num_queries
):
    products = [product_make(partner, article=f"Q-{n}") for n in range(3)]
    gloves = product_make(
        partner, article="GL", sizes=["S", "M"], barcodes=["4600000000101", "4600000000102"]
    )

    def rows(count):
        identifiers = []
        for n in range(count):
            if n % 5 < 3:  # an article naming one product
                identifiers.append({"article": f"Q-{n % 5}"})
            elif n % 5 == 3:  # a product in sizes, settled by its barcode
                identifiers.append({"article": "GL", "barcode": f"460000000010{1 + n % 2}"})
            else:  # nothing known: every kind is tried
                identifiers.append(
                    {
                        "article": f"NONE-{n}",
                        "barcode": f"99{n:011d}",
                        "erp_code": f"E-{n}",
                        "partner_code": f"own-{n}",
                        "name": f"Товар номер {n}",
                    }
                )
        return [
            ImportRow(row_number=n, identifiers=ids, quantity_text="1")
            for n, ids in enumerate(identifiers)
        ]

    small, large = rows(10), rows(1000)
    # article and the facts of what it found (its variants, their orderable products); then
    # barcode, 1C code, own code and name for the rows still open (the barcodes name variants
    # whose facts are known already); the prices of the matched variants
    with django_assert_num_queries(8):
        match_rows(context=context, rows=small, order=ORDER)
    with django_assert_num_queries(8):
        match_rows(context=context, rows=large, order=ORDER)
    assert {r.variant_id for r in large if r.variant_id} == {
        *(product.test_variants[0].pk for product in products),
        *(variant.pk for variant in gloves.test_variants),
    }
    assert {r.outcome for r in large[4::5]} == {Outcome.UNKNOWN}


def test_a_size_left_out_of_the_agreements_price_list_is_not_in_the_assortment(partner, context):
    gloves = product_make(
        partner, article="GL-5", sizes=["S", "M"], barcodes=["4600000000501", "4600000000502"]
    )
    Price.objects.filter(variant=gloves.test_variants[1]).delete()  # M has no price for them

    small, medium = matched(context, {"barcode": "4600000000501"}, {"barcode": "4600000000502"})

    assert (small.outcome, small.variant_id) == (Outcome.OK, gloves.test_variants[0].pk)
    assert (medium.outcome, medium.variant_id) == (Outcome.NOT_IN_ASSORTMENT, None)


def test_latin_and_cyrillic_look_alike_letters_match_in_every_kind_of_code(partner, context):
    # issue 8, item 22: "СА-00001" kept in 1C with Cyrillic С and А, typed with Latin ones
    by_article = product_make(partner, article="СА-00001")  # Cyrillic
    by_erp = product_make(partner, article="Z-9", erp_code="КМ-000123")  # Cyrillic
    by_own = product_make(partner, article="Z-8")
    latin_article = product_make(partner, article="HB-7")  # Latin
    PartnerProductCode.objects.create(partner=partner, product=by_own, code="ТЕХ-5")  # Cyrillic

    rows = matched(
        context,
        {"article": "CA-00001"},  # Latin
        {"article": "са-00001"},  # Cyrillic, lower case
        {"erp_code": "KM-000123"},  # Latin
        {"partner_code": "TEX-5"},  # Latin
        {"article": "НВ-7"},  # Cyrillic
    )

    assert [(r.outcome, r.variant_id) for r in rows] == [
        (Outcome.OK, by_article.test_variants[0].pk),
        (Outcome.OK, by_article.test_variants[0].pk),
        (Outcome.OK, by_erp.test_variants[0].pk),
        (Outcome.OK, by_own.test_variants[0].pk),
        (Outcome.OK, latin_article.test_variants[0].pk),
    ]


def test_a_pasted_latin_code_finds_a_cyrillic_article(partner, scope, agreement):
    product = product_make(partner, article="СТ-00038")  # Cyrillic С and Т

    (row,) = pasted(scope, agreement, "CT-00038 3")  # Latin

    assert (row.outcome, row.variant_id, row.matched_by) == (
        Outcome.OK,
        product.test_variants[0].pk,
        "article",
    )


def test_a_size_typed_with_a_cyrillic_look_alike_letter_chooses_the_variant(partner, context):
    shirts = product_make(
        partner, article="TS-2", name="Футболка поло", sizes=["Белый, M", "Белый, L"]
    )
    white_m, _white_l = shirts.test_variants
    for variant in shirts.test_variants:
        variant.color, variant.size = (part.strip() for part in variant.name.split(","))
        variant.save()

    # "М" here is the Cyrillic letter; the variant's size is the Latin "M".
    (row,) = matched(context, {"article": "TS-2", "name": "белый М"})

    assert (row.outcome, row.variant_id) == (Outcome.OK, white_m.pk)
