from django import forms
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Section


class RuleForm(forms.Form):
    """The shape of a rule; what may be chosen is checked again by the service."""

    total_above = forms.DecimalField(
        label=_("Order total above"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    lines_above = forms.IntegerField(label=_("More lines than"), required=False, min_value=0)
    counterparty = forms.TypedChoiceField(
        label=_("Counterparty"), coerce=int, empty_value=None, required=False
    )
    employee = forms.TypedChoiceField(
        label=_("Orders of"), coerce=int, empty_value=None, required=False
    )
    approver = forms.TypedChoiceField(
        label=_("Approved by a colleague"), coerce=int, empty_value=None, required=False
    )
    approver_section = forms.ChoiceField(label=_("or by anyone with the section"), required=False)

    def __init__(self, *args, counterparties=(), employees=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = [(u.pk, str(u)) for u in employees]
        self.fields["counterparty"].choices = [("", _("any"))] + [
            (c.pk, c.name) for c in counterparties
        ]
        self.fields["employee"].choices = [("", _("all employees")), *people]
        self.fields["approver"].choices = [("", "—"), *people]
        self.fields["approver_section"].choices = [("", "—"), *Section.choices]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.update({"class": css, "data-testid": f"rule-{name}"})


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
