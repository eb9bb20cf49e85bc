"""Saved carts and order templates (C5): the user's own, and those colleagues shared.

Colleagues see a shared cart read-only and may load it into their own cart; only its owner
renames, shares or deletes it (403 for a colleague, 404 for anyone else).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.cart import selectors, services
from kabinet.cart.display import cart_rows
from kabinet.cart.forms import RenameForm, SaveAsForm
from kabinet.cart.views.common import working_cart, working_cart_for_change
from kabinet.web.selectors import current_agreement


@partner_view(Section.CATALOG)
@require_GET
def saved_list(request):
    return render(
        request, "cart/saved_list.html", {"carts": selectors.saved_cart_list(request.scope)}
    )


@partner_view(Section.CATALOG)
@require_POST
def saved_create(request):
    """Save the working cart under a name (a template), optionally shared with colleagues."""
    form = SaveAsForm(request.POST)
    cart = working_cart(request)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        if cart is None or cart.pk is None:
            raise ValidationError(services.NOTHING_TO_SAVE)
        saved = services.cart_save_as(
            scope=request.scope,
            cart=cart,
            name=form.cleaned_data["name"],
            shared=form.cleaned_data["shared"],
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("cart:saved")
    messages.success(request, _("The cart is saved as “%(name)s”.") % {"name": saved.name})
    return redirect("cart:saved")


@partner_view(Section.CATALOG)
@require_GET
def saved_detail(request, cart_id: int):
    """A saved cart's lines at the prices of the agreement the user acts for now."""
    cart = selectors.saved_cart_get(request.scope, cart_id)
    agreement = current_agreement(request)
    view = selectors.cart_view(scope=request.scope, cart=cart, agreement=agreement)
    return render(
        request,
        "cart/saved_detail.html",
        {
            "saved": cart,
            "view": view,
            "rows": cart_rows(view.lines),
            "totals": view.totals,
            "readonly": True,
        },
    )


@partner_view(Section.CATALOG)
@require_POST
def saved_load(request, cart_id: int):
    saved = selectors.saved_cart_get(request.scope, cart_id)
    mode = request.POST.get("mode")
    if mode not in (services.LoadMode.MERGE, services.LoadMode.REPLACE):
        mode = services.LoadMode.MERGE
    try:
        into = working_cart_for_change(request)
        result = services.cart_load(scope=request.scope, saved_cart=saved, into=into, mode=mode)
    except ValidationError as error:
        _errors(request, error)
        return redirect("cart:saved")
    messages.success(
        request,
        _("“%(name)s” is loaded into the cart: %(count)s lines.")
        % {"name": saved.name, "count": result.loaded},
    )
    if result.skipped:
        messages.warning(
            request,
            _("%(count)s lines were skipped: not available under your agreement.")
            % {"count": result.skipped},
        )
    return redirect("cart:detail")


@partner_view(Section.CATALOG)
@require_POST
def saved_rename(request, cart_id: int):
    cart = selectors.saved_cart_get(request.scope, cart_id)
    form = RenameForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.cart_rename(scope=request.scope, cart=cart, name=form.cleaned_data["name"])
    except ValidationError as error:
        _errors(request, error)
    return redirect("cart:saved")


@partner_view(Section.CATALOG)
@require_POST
def saved_share(request, cart_id: int):
    cart = selectors.saved_cart_get(request.scope, cart_id)
    shared = request.POST.get("shared") == "1"
    services.cart_share(scope=request.scope, cart=cart, shared=shared)
    if shared:
        messages.success(
            request, _("“%(name)s” is shared with your colleagues.") % {"name": cart.name}
        )
    else:
        messages.success(request, _("“%(name)s” is no longer shared.") % {"name": cart.name})
    return redirect("cart:saved")


@partner_view(Section.CATALOG)
@require_POST
def saved_delete(request, cart_id: int):
    cart = selectors.saved_cart_get(request.scope, cart_id)
    services.cart_delete(scope=request.scope, cart=cart)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": cart.name})
    return redirect("cart:saved")


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
