"""Shapes of the order pages' input: list filters and the draft editor. Rules stay in services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kabinet.cart.rules import quantity_parse
from kabinet.cart.selectors import ID_MAX
from kabinet.orders.selectors import StatusGroup
from kabinet.orders.workflow import Status

TABS = [
    ("", _("All")),
    (StatusGroup.DRAFTS, _("Drafts")),
    (StatusGroup.IN_WORK, _("In work")),
]
LINE_PREFIX = "line-"
ADD_PREFIX = "add-"  # a product found on the draft's page, with the quantity to add


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrderFilterForm(forms.Form):
    """The list's filters from the query string; a value that does not parse is ignored."""

    tab = forms.ChoiceField(label=_("Show"), choices=TABS, required=False)
    counterparty = forms.TypedChoiceField(
        label=_("Counterparty"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, counterparties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].choices = [("", _("All counterparties"))] + [
            (c.pk, c.name) for c in counterparties
        ]
        self.is_valid()  # fills cleaned_data with the fields that parsed

    def filters(self) -> dict:
        """Keyword arguments for `selectors.order_list` / `order_filtered`."""
        data = self.cleaned_data
        return {
            "counterparty_id": data.get("counterparty"),
            "status": data.get("status") or data.get("tab") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "number": data.get("number") or "",
        }

    @property
    def active_tab(self) -> str:
        return self.cleaned_data.get("tab") or ""

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


def _is_id(text: str) -> bool:
    """A database id written in ASCII digits ("²".isdigit() too, but int() refuses it)."""
    return text.isascii() and text.isdigit() and int(text) <= ID_MAX


class DraftForm(forms.Form):
    """A draft's header; its lines come as `line-<variant_id>` quantities (empty or 0: remove),
    products to add as `add-<variant_id>` quantities (empty or 0: not added)."""

    address = forms.TypedChoiceField(
        label=_("Delivery address"), coerce=int, empty_value=None, required=False
    )
    desired_date = forms.DateField(
        label=_("Desired delivery date"), required=False, widget=DateInput()
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [("", _("No address (pickup)"))] + [
            (a.pk, a.address) for a in addresses
        ]
        self.lines: dict[int, Decimal] = {}
        self.adds = False  # products were added: the page stays open to add more

    def clean(self):
        cleaned = super().clean()
        self.lines = self._quantities(LINE_PREFIX)
        added = self._quantities(ADD_PREFIX)
        # A product added that is already a line adds to its quantity.
        for variant_id, quantity in added.items():
            self.lines[variant_id] = self.lines.get(variant_id, Decimal(0)) + quantity
        self.adds = bool(added)
        return cleaned

    def _quantities(self, prefix: str) -> dict[int, Decimal]:
        found: dict[int, Decimal] = {}
        for key, value in self.data.items():
            variant = key[len(prefix) :]
            if not key.startswith(prefix) or not _is_id(variant):
                continue
            if not str(value).strip():
                continue
            quantity = quantity_parse(value)  # raises ValidationError when not a number
            if quantity != 0:
                found[int(variant)] = quantity
        return found
