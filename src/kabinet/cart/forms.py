"""Shapes of the cart's forms; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kabinet.cart.models import Cart
from kabinet.cart.selectors import ID_MAX
from kabinet.orders.checkout import COMMENT_MAX


class CheckoutForm(forms.Form):
    DRAFT, SEND = "draft", "send"

    agreement = forms.IntegerField(label=_("Agreement"), min_value=1, max_value=ID_MAX)
    address = forms.IntegerField(
        label=_("Delivery address"), min_value=1, max_value=ID_MAX, required=False
    )
    desired_date = forms.DateField(label=_("Desired delivery date"), required=False)
    comment = forms.CharField(label=_("Comment"), max_length=COMMENT_MAX, required=False)
    submit_token = forms.CharField(max_length=64)
    action = forms.ChoiceField(
        choices=[(DRAFT, _("Save as draft")), (SEND, _("Send to processing"))]
    )


class SaveAsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Cart._meta.get_field("name").max_length)
    shared = forms.BooleanField(label=_("Share with colleagues"), required=False)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Cart._meta.get_field("name").max_length)
