import functools
from decimal import Decimal

from django import template
from django.utils import formats, translation

from kabinet.orders.workflow import Status

register = template.Library()

STATUS_CLASSES = {
    Status.DRAFT: "text-bg-secondary",
    Status.AWAITING_APPROVAL: "text-bg-warning",
    Status.SENT: "text-bg-info",
    Status.ACCEPTED: "text-bg-primary",
    Status.SHORTAGE: "text-bg-warning",
    Status.ASSEMBLING: "text-bg-primary",
    Status.SHIPPED: "text-bg-success",
    Status.COMPLETED: "text-bg-success",
    Status.CANCELLED: "text-bg-dark",
}


@register.filter
def status_class(status: str) -> str:
    """Bootstrap badge colours of an order status."""
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@functools.cache
def _status_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {value: str(label) for value, label in Status.choices}


@register.filter
def status_label(status: str) -> str:
    """The status's name in the current language (get_status_display, cached per language)."""
    return _status_labels(translation.get_language() or "").get(status, status)


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros: 10.000 → 10, 1.500 → 1.5 (None stays empty)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return str(value)  # e.g. what a person typed, shown back as typed
    text = f"{value.normalize():f}"
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
