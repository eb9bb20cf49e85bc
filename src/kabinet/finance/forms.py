"""Shapes of the finance pages' input: list filters and the act request. Rules stay in services."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.orders.forms import DateInput


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _counterparty_choices(counterparties, *, empty=True):
    choices = [(c.pk, c.name) for c in counterparties]
    return [("", _("All counterparties")), *choices] if empty else choices


class _Filters(forms.Form):
    """Filters from the query string; a value that does not parse is ignored."""

    counterparty = forms.TypedChoiceField(
        label=_("Counterparty"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, counterparties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].choices = _counterparty_choices(counterparties)
        self.is_valid()  # fills cleaned_data with the fields that parsed

    @classmethod
    def with_default_period(cls, query, **kwargs):
        """The filters of `query`; a period of the current year when it names none."""
        data = query.copy()
        if not data.get("date_from") and not data.get("date_to"):
            today = timezone.localdate()
            data["date_from"] = datetime.date(today.year, 1, 1).isoformat()
            data["date_to"] = today.isoformat()
        return cls(data, **kwargs)

    def query(self, **changes) -> str:
        """The form's query string (for export links), with `changes` applied."""
        data = self.data.copy()
        for key, value in changes.items():
            data.pop(key, None)
            if value is not None:
                data[key] = value
        data.pop("page", None)
        return data.urlencode()

    @property
    def counterparty_id(self) -> int | None:
        return self.cleaned_data.get("counterparty")


class PaymentFilterForm(_Filters):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("counterparty", _("Counterparty")), ("agreement", _("Agreement"))],
        required=False,
    )
    agreement = forms.IntegerField(required=False, widget=forms.HiddenInput())
    number = forms.CharField(label=_("Payment order number"), max_length=40, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "counterparty_id": data.get("counterparty"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    def document_filters(self) -> dict:
        data = self.cleaned_data
        return {
            **self.filters(),
            "agreement_id": data.get("agreement"),
            "number": data.get("number") or "",
        }

    @property
    def grouping(self) -> str:
        return self.cleaned_data.get("group_by") or "counterparty"

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


class CalendarFilterForm(_Filters):
    pass


class ReconciliationRequestForm(forms.Form):
    counterparty = forms.TypedChoiceField(label=_("Counterparty"), coerce=int)
    period_from = forms.DateField(label=_("Period from"), widget=DateInput())
    period_to = forms.DateField(label=_("Period to"), widget=DateInput())
    with_stamp = forms.BooleanField(
        label=_("With stamp and signature"),
        required=False,
        help_text=_("Without: a copy for checking figures, ready sooner."),
    )

    def __init__(self, *args, counterparties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].choices = _counterparty_choices(counterparties, empty=False)
        if not self.is_bound:
            today = timezone.localdate()
            quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
            last_quarter_end = quarter_start - datetime.timedelta(days=1)
            self.initial.setdefault(
                "period_from",
                datetime.date(
                    last_quarter_end.year, 3 * ((last_quarter_end.month - 1) // 3) + 1, 1
                ),
            )
            self.initial.setdefault("period_to", last_quarter_end)
