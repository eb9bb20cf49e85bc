"""The report's words: each row's reasons and notes in the user's language (D4), role labels.

Rows store codes and parameters, never sentences, so that the report reads in the language of
whoever opens it, whenever they do.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kabinet.cart.rules import quantity_display
from kabinet.imports.checks import Note
from kabinet.imports.models import ImportRow
from kabinet.imports.reading import Role

Outcome = ImportRow.Outcome

# Also the template's column headers: their translations must stay names the reader knows
# (`reading.headers.HEADER_SYNONYMS`: "Артикул", "Штрихкод", "Код 1С", "Наш код",
# "Наименование", "Количество", "Цена", "Ед."), which a test checks in every language.
ROLE_LABELS = {
    Role.ARTICLE: pgettext_lazy("order file column", "Article"),
    Role.BARCODE: pgettext_lazy("order file column", "Barcode"),
    Role.ERP_CODE: pgettext_lazy("order file column", "1C code"),
    Role.PARTNER_CODE: pgettext_lazy("order file column", "Our code"),
    Role.NAME: pgettext_lazy("order file column", "Name"),
    Role.QUANTITY: pgettext_lazy("order file column", "Quantity"),
    Role.PRICE: pgettext_lazy("order file column", "Price"),
    Role.UNIT: pgettext_lazy("order file column", "Unit"),
}
MAPPED_ROLES = tuple(ROLE_LABELS)

OUTCOME_TEXTS = {
    Outcome.UNKNOWN: _("Unknown article: no product has this article, code or name."),
    Outcome.NOT_IN_ASSORTMENT: _(
        "Not in your assortment: the product is not sold under your agreement."
    ),
    Outcome.INACTIVE: _("No longer sold: the product is out of the catalog."),
    Outcome.AMBIGUOUS: _("Several products match: choose the one you mean."),
    Outcome.NO_IDENTIFIER: _("No article, code or name in this row."),
    Outcome.NO_QUANTITY: _("No quantity: not ordered."),
}
BAD_QUANTITY_TEXTS = {
    "not_number": _("The quantity “%(text)s” is not a number."),
    "not_positive": _("The quantity must be greater than zero."),
    "precision": _("The quantity may have at most three decimal places."),
    "too_large": _("The quantity is too large."),
    "not_whole": _("Sold in whole units only (%(unit)s)."),
    "invalid": _("Enter the quantity as a number."),
}
BELOW_MINIMUM = _("Below the minimum order of %(minimum)s %(unit)s.")
NOT_MULTIPLE = _("Sold in multiples of %(multiple)s %(unit)s.")
SEE_ROW = _("Fix it in row %(row)s.")
PROPOSED = _("Order %(quantity)s %(unit)s?")
NOTE_TEXTS = {
    Note.OUT_OF_STOCK: _("Out of stock: the supplier will confirm what it can deliver."),
    Note.DEFAULTED: _("No quantity given: %(quantity)s %(unit)s, the smallest order, is taken."),
}
STOCK_SHORT = _("Only %(stock)s %(unit)s in stock: the supplier will confirm the rest.")
STOCK_SHORT_LEVELS = _("Not enough in stock: the supplier will confirm what it can deliver.")
MERGED_INTO = _("Same product as row %(row)s: added to its line (%(total)s %(unit)s in all).")
MERGED_ROWS = _(
    "Rows %(rows)s are the same product: added to this line (%(total)s %(unit)s in all)."
)


def _quantity(value) -> str:
    try:
        return quantity_display(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def row_reasons(row: ImportRow) -> list[str]:
    """Why the row is not recognised (errors), then its warnings, as sentences."""
    detail = row.detail or {}
    texts: list[str] = []
    unit = detail.get("unit", "")
    if row.outcome in OUTCOME_TEXTS:
        texts.append(str(OUTCOME_TEXTS[row.outcome]))
    elif row.outcome == Outcome.BAD_QUANTITY:
        kind = detail.get("kind", "invalid")
        template = BAD_QUANTITY_TEXTS.get(kind, BAD_QUANTITY_TEXTS["invalid"])
        texts.append(str(template) % {"text": detail.get("text", ""), "unit": unit})
    elif row.outcome in (Outcome.BELOW_MINIMUM, Outcome.NOT_MULTIPLE):
        template = BELOW_MINIMUM if row.outcome == Outcome.BELOW_MINIMUM else NOT_MULTIPLE
        texts.append(
            template
            % {
                "minimum": _quantity(detail.get("minimum", "")),
                "multiple": _quantity(detail.get("multiple", "")),
                "unit": unit,
            }
        )
    for note in detail.get("notes", ()):
        texts.append(_note_text(note, detail))
    if row.merged_into and row.severity == ImportRow.Severity.ERROR:
        texts.append(SEE_ROW % {"row": row.merged_into})
    if row.proposed_quantity is not None:
        texts.append(PROPOSED % {"quantity": _quantity(row.proposed_quantity), "unit": unit})
    return texts


def _note_text(note: dict, detail: dict) -> str:
    code = note.get("code")
    unit = note.get("unit", detail.get("unit", ""))
    if code == Note.MERGED:
        total = _quantity(note.get("total", ""))
        if "rows" in note:
            rows = ", ".join(str(number) for number in note["rows"])
            return MERGED_ROWS % {"rows": rows, "total": total, "unit": unit}
        return MERGED_INTO % {"row": note.get("row"), "total": total, "unit": unit}
    if code == Note.STOCK_SHORT:
        if not note.get("stock"):
            return str(STOCK_SHORT_LEVELS)
        return STOCK_SHORT % {"stock": _quantity(note["stock"]), "unit": unit}
    template = NOTE_TEXTS.get(code)
    if template is None:
        return ""
    return str(template) % {"quantity": _quantity(note.get("quantity", "")), "unit": unit}


def outcome_label(row: ImportRow) -> str:
    if row.severity == ImportRow.Severity.WARNING:
        return str(ImportRow.Severity.WARNING.label)
    return str(Outcome(row.outcome).label)


def cell_text(value) -> str:
    """A cell as shown in the report table."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
