from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Section


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or phone"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        # One message for a wrong password, an unknown login and a blocked account alike.
        "invalid_login": _("Wrong login or password."),
        "inactive": _("Wrong login or password."),
    }


class EmployeeForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    counterparties = forms.TypedMultipleChoiceField(
        label=_("Counterparties"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: all counterparties."),
    )

    def __init__(self, *args, counterparties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparties"].choices = [(c.pk, c.name) for c in counterparties]


class EmployeeCreateForm(EmployeeForm):
    send_invitation = forms.BooleanField(
        label=_("Send the login and temporary password by e-mail"), required=False
    )


class PasswordResetSetForm(SetPasswordForm):
    """The password set through an e-mailed link is the user's own: no forced change after."""

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit=commit)
