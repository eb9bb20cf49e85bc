"""The quantity half of the report, as a pure function: no database."""

from decimal import Decimal

from kabinet.imports.checks import Note, rows_evaluate
from kabinet.imports.display import row_reasons
from kabinet.imports.matching import VariantFacts
from kabinet.imports.models import ImportRow

Outcome, Severity = ImportRow.Outcome, ImportRow.Severity


def fact(variant_id=1, *, multiple="1", minimum="1", fractional=False, unit="шт", orderable=True):
    return VariantFacts(
        variant_id=variant_id,
        product_id=variant_id,
        product_name=f"Product {variant_id}",
        title=f"Product {variant_id}",
        article=f"A-{variant_id}",
        unit=unit,
        fractional=fractional,
        multiple=Decimal(multiple),
        minimum=Decimal(minimum),
        active=True,
        orderable=orderable,
    )


def row(number, quantity, variant_id=1, outcome=Outcome.OK):
    return ImportRow(
        row_number=number, variant_id=variant_id, quantity_text=quantity, outcome=outcome
    )


def evaluate(rows, facts, stock=None, *, quantity_mapped=True, exact_stock=True):
    facts = {f.variant_id: f for f in facts}
    stock = {variant_id: Decimal(10_000) for variant_id in facts} if stock is None else stock
    rows_evaluate(rows, facts, stock, quantity_mapped=quantity_mapped, exact_stock=exact_stock)
    return [(r.row_number, r.outcome, r.severity, r.quantity, r.proposed_quantity) for r in rows]


def test_bad_quantities_are_errors_with_their_reason():
    rows = [row(2, "abc"), row(3, "-2"), row(4, "1,2345"), row(5, "2,5"), row(6, "1e5")]

    assert evaluate(rows, [fact()]) == [
        (2, Outcome.BAD_QUANTITY, Severity.ERROR, None, None),
        (3, Outcome.BAD_QUANTITY, Severity.ERROR, None, None),
        (4, Outcome.BAD_QUANTITY, Severity.ERROR, None, None),
        (5, Outcome.BAD_QUANTITY, Severity.ERROR, None, Decimal(3)),
        (6, Outcome.BAD_QUANTITY, Severity.ERROR, None, None),
    ]
    assert [row_reasons(r) for r in rows] == [
        ["The quantity “abc” is not a number."],
        ["The quantity must be greater than zero."],
        ["The quantity may have at most three decimal places."],
        ["Sold in whole units only (шт).", "Order 3 шт?"],
        ["The quantity “1e5” is not a number."],
    ]


def test_fractions_are_fine_for_goods_sold_in_fractions():
    assert evaluate([row(2, "2,5")], [fact(fractional=True, multiple="0.5", unit="м")]) == [
        (2, Outcome.OK, Severity.OK, Decimal("2.5"), None)
    ]


def test_below_the_minimum_and_not_a_multiple_propose_the_nearest_valid_quantity():
    rows = [row(2, "3", 1), row(3, "10", 2), row(4, "13", 3)]
    facts = [fact(1, minimum="5"), fact(2, multiple="6"), fact(3, multiple="6")]

    assert evaluate(rows, facts) == [
        (2, Outcome.BELOW_MINIMUM, Severity.ERROR, None, Decimal(5)),
        (3, Outcome.NOT_MULTIPLE, Severity.ERROR, None, Decimal(12)),
        (4, Outcome.NOT_MULTIPLE, Severity.ERROR, None, Decimal(12)),
    ]
    assert row_reasons(rows[0]) == ["Below the minimum order of 5 шт.", "Order 5 шт?"]
    assert row_reasons(rows[1]) == ["Sold in multiples of 6 шт.", "Order 12 шт?"]


def test_rows_of_the_same_product_are_merged_into_one_line_and_reported():
    rows = [row(2, "4"), row(5, "3", 2), row(7, "6")]

    assert evaluate(rows, [fact(1), fact(2)]) == [
        (2, Outcome.OK, Severity.WARNING, Decimal(4), None),
        (5, Outcome.OK, Severity.OK, Decimal(3), None),
        (7, Outcome.OK, Severity.WARNING, Decimal(6), None),
    ]
    assert rows[2].merged_into == 2
    assert row_reasons(rows[0]) == [
        "Rows 7 are the same product: added to this line (10 шт in all)."
    ]
    assert row_reasons(rows[2]) == ["Same product as row 2: added to its line (10 шт in all)."]


def test_the_multiple_applies_to_the_merged_line_and_the_first_row_gets_the_proposal():
    rows = [row(2, "4"), row(3, "3")]

    assert evaluate(rows, [fact(multiple="6")]) == [
        (2, Outcome.NOT_MULTIPLE, Severity.ERROR, None, Decimal(3)),  # 3 + 3: six in all
        (3, Outcome.NOT_MULTIPLE, Severity.ERROR, None, None),
    ]
    assert row_reasons(rows[1])[-1] == "Fix it in row 2."


def test_stock_is_a_warning_never_an_error():
    rows = [row(2, "5", 1), row(3, "50", 2), row(4, "50", 3)]
    stock = {1: Decimal(0), 2: Decimal(20), 3: Decimal(20)}

    assert [r[2] for r in evaluate(rows, [fact(1), fact(2), fact(3)], stock)] == [
        Severity.WARNING,
        Severity.WARNING,
        Severity.WARNING,
    ]
    assert [r.quantity for r in rows] == [Decimal(5), Decimal(50), Decimal(50)]
    assert row_reasons(rows[0]) == ["Out of stock: the supplier will confirm what it can deliver."]
    assert row_reasons(rows[1]) == ["Only 20 шт in stock: the supplier will confirm the rest."]

    evaluate(rows[2:], [fact(3)], stock, exact_stock=False)
    assert row_reasons(rows[2]) == [
        "Not enough in stock: the supplier will confirm what it can deliver."
    ]


def test_an_empty_or_zero_quantity_in_a_quantity_column_means_not_ordered():
    rows = [row(2, ""), row(3, "0"), row(4, "—"), row(5, "", None, Outcome.UNKNOWN)]

    assert evaluate(rows, [fact()]) == [
        (2, Outcome.NO_QUANTITY, Severity.SKIPPED, None, None),
        (3, Outcome.NO_QUANTITY, Severity.SKIPPED, None, None),
        (4, Outcome.NO_QUANTITY, Severity.SKIPPED, None, None),
        (5, Outcome.NO_QUANTITY, Severity.SKIPPED, None, None),
    ]


def test_without_a_quantity_column_the_smallest_orderable_quantity_is_taken():
    rows = [row(2, "")]

    assert evaluate(rows, [fact(minimum="5", multiple="4")], quantity_mapped=False) == [
        (2, Outcome.OK, Severity.WARNING, Decimal(8), None)
    ]
    assert rows[0].detail["notes"] == [{"code": Note.DEFAULTED, "quantity": "8", "unit": "шт"}]
    assert row_reasons(rows[0]) == ["No quantity given: 8 шт, the smallest order, is taken."]


def test_rows_without_a_variant_keep_the_reason_matching_gave_them():
    rows = [row(2, "5", None, Outcome.AMBIGUOUS), row(3, "5", 99)]

    assert evaluate(rows, [fact(1)]) == [
        (2, Outcome.AMBIGUOUS, Severity.ERROR, None, None),
        (3, Outcome.UNKNOWN, Severity.ERROR, None, None),
    ]
