from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from kabinet.core.money import currency_sign

register = template.Library()


@register.filter
def form_control(field, extra: str = ""):
    """Render a form field's widget with Bootstrap's classes (and is-invalid on errors)."""
    css = "form-select" if field.widget_type in {"select", "selectmultiple"} else "form-control"
    if field.errors:
        css += " is-invalid"
    if extra:
        css += f" {extra}"
    return field.as_widget(attrs={"class": css})


@register.filter
def money(amount, currency: str = "") -> str:
    """An amount in the current locale, two decimals, grouped; the currency's sign after it
    when given: `{{ total|money:order.currency }}` → «1 234,50 ₽» (ru), «1,234.50 ₽» (en).
    None is a dash. Number and sign are joined by a no-break space, so they never part."""
    if amount is None or amount == "":
        return "—"
    text = number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return format_html("{}&nbsp;{}", text, currency_sign(currency)) if currency else text
