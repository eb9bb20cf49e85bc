"""Quantity rules of the cart, as pure functions (no database): parsing, whole units,
order multiples and minimum quantities (B7), and the nearest quantity that satisfies them.

Services refuse what can never be ordered (not a number, ≤ 0, a fraction of a piece good);
multiples and minimums are warnings in the cart and refusals at checkout, so a buyer may type
freely and fix the lines the cart points at, with the quantity it proposes.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

QUANTITY_INVALID = _("Enter the quantity as a number.")
QUANTITY_NOT_POSITIVE = _("The quantity must be greater than zero.")
QUANTITY_TOO_PRECISE = _("The quantity may have at most three decimal places.")
QUANTITY_TOO_LARGE = _("The quantity is too large.")
LINE_NOT_POSITIVE = _("“%(product)s”: the quantity must be greater than zero.")
LINE_TOO_LARGE = _("“%(product)s”: the quantity is too large.")
LINE_NOT_WHOLE = _("“%(product)s” is sold in whole units only.")

# CartLine.quantity and OrderLine.quantity are DECIMAL(12, 3).
QUANTITY_STEP = Decimal("0.001")
QUANTITY_MAX = Decimal("999999999.999")


def quantity_parse(value) -> Decimal:
    """A quantity as typed by a person ("2", "1,5", "1 000") or given by code; else refused."""
    if isinstance(value, Decimal):
        quantity = value
    elif isinstance(value, int):
        quantity = Decimal(value)
    else:
        text = str(value).strip().replace(",", ".").replace(" ", "").replace("\xa0", "")
        try:
            quantity = Decimal(text)
        except InvalidOperation:
            raise ValidationError(QUANTITY_INVALID, code="invalid") from None
    if not quantity.is_finite():
        raise ValidationError(QUANTITY_INVALID, code="invalid")
    # Size first: quantizing 1e25 to thousandths overflows Decimal's precision.
    if quantity > QUANTITY_MAX:
        raise ValidationError(QUANTITY_TOO_LARGE, code="too_large")
    if quantity < -QUANTITY_MAX:
        raise ValidationError(QUANTITY_NOT_POSITIVE, code="not_positive")
    if quantity != quantity.quantize(QUANTITY_STEP, rounding=ROUND_FLOOR):
        raise ValidationError(QUANTITY_TOO_PRECISE, code="precision")
    return quantity


def quantity_error(quantity: Decimal, *, fractional: bool, product: str) -> str | None:
    """Why this quantity of a product can never be in a cart, or None when it can."""
    if quantity <= 0:
        return LINE_NOT_POSITIVE % {"product": product}
    if quantity > QUANTITY_MAX:
        return LINE_TOO_LARGE % {"product": product}
    if not fractional and quantity != quantity.to_integral_value():
        return LINE_NOT_WHOLE % {"product": product}
    return None


def quantity_total_check(quantity: Decimal) -> None:
    """A sum of quantities (an add to an existing line) must still fit the column."""
    if quantity > QUANTITY_MAX:
        raise ValidationError(QUANTITY_TOO_LARGE, code="too_large")


def is_multiple(quantity: Decimal, multiple: Decimal) -> bool:
    return multiple <= 0 or quantity % multiple == 0


def nearest_valid_quantity(quantity: Decimal, *, multiple: Decimal, minimum: Decimal) -> Decimal:
    """The valid quantity closest to `quantity`: a multiple, at least the minimum (ties: up)."""
    if multiple <= 0:
        return max(quantity, minimum)
    steps = quantity / multiple
    down = steps.to_integral_value(rounding=ROUND_FLOOR) * multiple
    up = steps.to_integral_value(rounding=ROUND_CEILING) * multiple
    nearest = down if down > 0 and quantity - down < up - quantity else up
    if nearest < minimum:
        nearest = (minimum / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple
    return nearest


def quantity_display(quantity: Decimal) -> str:
    """A quantity for a sentence, localised, without trailing zeros ("5", "1,5")."""
    if quantity == quantity.to_integral_value():
        return number_format(int(quantity), use_l10n=True)
    return number_format(quantity.normalize(), use_l10n=True)
