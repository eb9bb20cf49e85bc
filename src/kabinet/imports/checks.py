"""The quantity half of the report (D4), as a pure function over matched rows.

`rows_evaluate` decides each row's outcome once its variant is known: a bad quantity (not a
number, zero or less, a fraction of a piece good, more than three decimals), then — over all
rows of the same variant together, since the cart adds them into one line — the minimum and the
order multiple, with the nearest valid quantity proposed, and stock as a warning. The quantity
rules are the cart's own (`kabinet.cart.rules`); nothing is re-implemented here.
"""

from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError

from kabinet.cart.rules import is_multiple, nearest_valid_quantity, quantity_parse
from kabinet.imports.matching import VariantFacts
from kabinet.imports.models import ImportRow
from kabinet.imports.reading import parse_quantity

Outcome = ImportRow.Outcome
Severity = ImportRow.Severity

ERRORS = frozenset(
    {
        Outcome.UNKNOWN,
        Outcome.NOT_IN_ASSORTMENT,
        Outcome.INACTIVE,
        Outcome.AMBIGUOUS,
        Outcome.NO_IDENTIFIER,
        Outcome.BAD_QUANTITY,
        Outcome.BELOW_MINIMUM,
        Outcome.NOT_MULTIPLE,
    }
)


class Note:
    """Warnings: the row is imported, the user should know."""

    MERGED = "merged"  # the same variant as an earlier row: added to its line
    OUT_OF_STOCK = "out_of_stock"
    STOCK_SHORT = "stock_short"
    DEFAULTED = "defaulted"  # no quantity column: the smallest orderable quantity was taken


def has_no_quantity(row: ImportRow, *, quantity_mapped: bool) -> bool:
    """A row the file leaves without a quantity, or with 0: "not ordered", as in a price list
    sent back with quantities typed in for a few rows."""
    if not quantity_mapped:
        return False
    try:
        quantity = parse_quantity(row.quantity_text)
    except ValueError:
        return False
    return quantity is None or quantity == 0


def rows_evaluate(
    rows: list[ImportRow],
    facts: dict[int, VariantFacts],
    stock: dict[int, Decimal],
    *,
    quantity_mapped: bool,
    exact_stock: bool = True,
) -> None:
    """Set outcome, severity, quantity, proposal and notes of every row (in row order).

    Rows without a variant keep the outcome matching gave them; a row left without a quantity
    where the file has a quantity column is skipped.
    """
    groups: dict[int, list[ImportRow]] = {}
    for row in rows:
        row.detail, row.merged_into, row.proposed_quantity = {}, None, None
        if has_no_quantity(row, quantity_mapped=quantity_mapped):
            _set(row, Outcome.NO_QUANTITY, Severity.SKIPPED)
            row.variant_id = None
            continue
        if row.variant_id is None or row.variant_id not in facts:
            if row.outcome in (Outcome.OK, Outcome.NO_QUANTITY):
                row.outcome = Outcome.UNKNOWN
            _set(row, row.outcome, Severity.ERROR)
            continue
        if _quantity_checked(row, facts[row.variant_id], quantity_mapped=quantity_mapped):
            groups.setdefault(row.variant_id, []).append(row)
    for variant_id, members in groups.items():
        _line_checked(members, facts[variant_id], stock.get(variant_id), exact_stock=exact_stock)


def _set(row: ImportRow, outcome: str, severity: str, **detail) -> None:
    row.outcome, row.severity = outcome, severity
    if severity in (Severity.ERROR, Severity.SKIPPED):
        row.quantity = None
    row.detail.update(detail)


def _note(target: ImportRow, code: str, **params) -> None:
    target.detail.setdefault("notes", []).append({"code": code, **params})


def _quantity_checked(row: ImportRow, fact: VariantFacts, *, quantity_mapped: bool) -> bool:
    """The row's own quantity, or a BAD_QUANTITY outcome (False)."""
    if not row.quantity_text.strip() and not quantity_mapped:
        row.quantity = nearest_valid_quantity(
            Decimal(1), multiple=fact.multiple, minimum=fact.minimum
        )
        _note(row, Note.DEFAULTED, quantity=str(row.quantity), unit=fact.unit)
        return True
    try:
        quantity = parse_quantity(row.quantity_text)
    except ValueError:
        _set(row, Outcome.BAD_QUANTITY, Severity.ERROR, kind="not_number", text=row.quantity_text)
        return False
    if quantity is None or quantity <= 0:
        _set(row, Outcome.BAD_QUANTITY, Severity.ERROR, kind="not_positive")
        return False
    try:
        quantity = quantity_parse(quantity)
    except ValidationError as error:
        _set(row, Outcome.BAD_QUANTITY, Severity.ERROR, kind=error.code or "invalid")
        return False
    if not fact.fractional and quantity != quantity.to_integral_value():
        _set(row, Outcome.BAD_QUANTITY, Severity.ERROR, kind="not_whole", unit=fact.unit)
        row.proposed_quantity = nearest_valid_quantity(
            quantity.to_integral_value(rounding=ROUND_CEILING),
            multiple=fact.multiple,
            minimum=fact.minimum,
        )
        return False
    row.quantity = quantity
    return True


def _line_checked(
    members: list[ImportRow], fact: VariantFacts, stock: Decimal | None, *, exact_stock: bool
) -> None:
    """The rows of one variant as one cart line: merged, minimum and multiple, stock."""
    head = members[0]
    total = sum((row.quantity for row in members), Decimal(0))
    for row in members[1:]:
        row.merged_into = head.row_number
        _note(row, Note.MERGED, row=head.row_number, total=str(total), unit=fact.unit)
    if len(members) > 1:
        rows = [row.row_number for row in members[1:]]
        _note(head, Note.MERGED, rows=rows, total=str(total), unit=fact.unit)
    problem = None
    if total < fact.minimum:
        problem = Outcome.BELOW_MINIMUM
    elif not is_multiple(total, fact.multiple):
        problem = Outcome.NOT_MULTIPLE
    if problem:
        nearest = nearest_valid_quantity(total, multiple=fact.multiple, minimum=fact.minimum)
        proposal = head.quantity + (nearest - total)
        for row in members:
            _set(
                row,
                problem,
                Severity.ERROR,
                minimum=str(fact.minimum),
                multiple=str(fact.multiple),
                unit=fact.unit,
                total=str(total),
            )
        head.proposed_quantity = proposal if proposal > 0 else None
        return
    if stock is None or stock <= 0:
        _note(head, Note.OUT_OF_STOCK)
    elif total > stock:
        _note(head, Note.STOCK_SHORT, stock=str(stock) if exact_stock else "", unit=fact.unit)
    for row in members:
        row.outcome = Outcome.OK
        row.severity = Severity.WARNING if row.detail.get("notes") else Severity.OK


def severity_counts(rows) -> dict[str, int]:
    counts = dict.fromkeys(Severity.values, 0)
    for row in rows:
        counts[row.severity] += 1
    return counts
