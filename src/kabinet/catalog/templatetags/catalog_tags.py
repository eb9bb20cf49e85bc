"""Presentation helpers of the catalog pages: availability, quantities, currency signs."""

from decimal import ROUND_CEILING, Decimal

from django import template

from kabinet.catalog.stock import LEVEL_COLOURS, LEVEL_LABELS, stock_level
from kabinet.core.money import currency_sign

register = template.Library()
register.filter("currency_sign", currency_sign)


@register.filter
def level(quantity) -> str:
    """none / few / many (thresholds: settings.KABINET_STOCK_FEW)."""
    return stock_level(quantity)


@register.filter
def level_label(quantity) -> str:
    return str(LEVEL_LABELS[stock_level(quantity)])


@register.filter
def level_colour(quantity) -> str:
    return LEVEL_COLOURS[stock_level(quantity)]


@register.filter
def first_quantity(product) -> Decimal:
    """The smallest quantity one may order: the minimum rounded up to the order multiple."""
    multiple = product.order_multiple or Decimal(1)
    minimum = max(product.min_quantity or multiple, multiple)
    steps = (minimum / multiple).to_integral_value(rounding=ROUND_CEILING)
    return (steps * multiple).normalize()


@register.filter
def plain_number(value) -> str:
    """A Decimal for an HTML attribute (min, step): no exponent, no trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
