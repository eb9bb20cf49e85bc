"""The working cart (C1) and checkout (C2).

A one-line change answers only that row, with the totals and the mini-cart swapped
out-of-band (`hx-swap-oob`): a 500-line cart never renders 500 rows to change one.
Without htmx every form still works: it posts and redirects back to the cart.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.accounts.selectors import address_list
from kabinet.cart import selectors, services
from kabinet.cart.context import mini_cart_context
from kabinet.cart.display import cart_rows
from kabinet.cart.forms import CheckoutForm
from kabinet.cart.rules import quantity_parse
from kabinet.cart.views.common import working_cart, working_cart_for_change
from kabinet.orders.checkout import (
    CreditCheck,
    credit_mode,
    credit_status,
    order_place,
    submit_token_new,
)
from kabinet.orders.workflow import Status
from kabinet.pricing.selectors import agreement_for
from kabinet.web.selectors import SESSION_KEY, current_counterparty


def _variant_id(value) -> int:
    """A posted variant id; anything else is a variant that does not exist (never an error)."""
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


@partner_view(Section.CATALOG)
@require_GET
def cart_detail(request):
    return _detail_page(request)


def _detail_page(request, *, form=None, errors=(), status=200):
    cart = working_cart(request)
    context = {"counterparty": current_counterparty(request), "errors": errors}
    if cart is not None:
        view = selectors.cart_view(scope=request.scope, cart=cart)
        context.update(
            view=view,
            rows=cart_rows(view.lines),
            totals=view.totals,
            addresses=address_list(request.scope).filter(counterparty_id=cart.counterparty_id),
            credit=credit_status(agreement=cart.agreement, amount=view.totals.amount)
            if view.totals.lines
            else None,
            form_data=form.data if form is not None else {},
            form_errors=form.errors if form is not None else {},
            submit_token=submit_token_new(),
        )
    return render(request, "cart/detail.html", context, status=status)


@partner_view(Section.CATALOG)
@require_GET
def cart_mini(request):
    return render(request, "cart/mini.html", mini_cart_context(request))


@partner_view(Section.CATALOG)
@require_POST
def cart_line_add(request):
    """Add a quantity of one variant (catalog tiles and lists); answers the mini-cart."""
    try:
        cart = working_cart_for_change(request)
        services.cart_line_add(
            scope=request.scope,
            cart=cart,
            variant_id=_variant_id(request.POST.get("variant")),
            quantity=request.POST.get("quantity", "").strip() or None,
        )
    except ValidationError as error:
        return _added(request, errors=error.messages)
    return _added(request)


@partner_view(Section.CATALOG)
@require_POST
def cart_lines_add(request):
    """Add all the quantities typed in a product's matrix (repeated variant/quantity pairs)."""
    variants, quantities = request.POST.getlist("variant"), request.POST.getlist("quantity")
    items = []
    for variant, quantity in zip(variants, quantities, strict=False):
        if _blank(quantity):
            continue
        items.append((_variant_id(variant), quantity))
    try:
        if len(variants) != len(quantities):
            raise ValidationError(_("The form is incomplete. Reload the page and try again."))
        cart = working_cart_for_change(request)
        services.cart_lines_add(scope=request.scope, cart=cart, items=items)
    except ValidationError as error:
        return _added(request, errors=error.messages)
    return _added(request, count=len(items))


def _blank(quantity: str) -> bool:
    """Empty and zero cells of a matrix are simply not ordered."""
    if not quantity.strip():
        return True
    try:
        return quantity_parse(quantity) == 0
    except ValidationError:
        return False  # the service reports it


def _added(request, *, errors=(), count=1):
    if request.htmx:
        context = {**mini_cart_context(request), "errors": errors, "added": not errors}
        return render(request, "cart/added.html", context)
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(
            request,
            ngettext("Added to the cart.", "%(count)s products added to the cart.", count)
            % {"count": count},
        )
    return redirect("cart:detail")


@partner_view(Section.CATALOG)
@require_POST
def cart_line_update(request, variant_id: int):
    """Set one line's quantity (0 removes it); htmx gets that row and the totals only."""
    cart = working_cart(request)
    if cart is None or not selectors.cart_has_line(cart=cart, variant_id=variant_id):
        raise Http404
    errors = []
    try:
        services.cart_line_set(
            scope=request.scope,
            cart=cart,
            variant_id=variant_id,
            quantity=request.POST.get("quantity", ""),
        )
    except ValidationError as error:
        errors = error.messages
    return _line_answer(request, cart, variant_id, errors)


@partner_view(Section.CATALOG)
@require_POST
def cart_line_remove(request, variant_id: int):
    cart = working_cart(request)
    if cart is None or not selectors.cart_has_line(cart=cart, variant_id=variant_id):
        raise Http404
    services.cart_line_remove(scope=request.scope, cart=cart, variant_id=variant_id)
    return _line_answer(request, cart, variant_id, [])


def _line_answer(request, cart, variant_id: int, errors):
    if not request.htmx:
        for error in errors:
            messages.error(request, error)
        return redirect("cart:detail")
    line, totals = selectors.cart_line_view(scope=request.scope, cart=cart, variant_id=variant_id)
    row = cart_rows([line])[0] if line is not None else None
    # The send button follows the lines; a blocking credit check is asked again only when it
    # is on (a warning never disables the button).
    credit = None
    if totals.lines and credit_mode() == CreditCheck.BLOCK:
        credit = credit_status(agreement=cart.agreement, amount=totals.amount)
    context = {"row": row, "totals": totals, "line_errors": errors, "credit": credit}
    return render(request, "cart/line.html", context)


@partner_view(Section.CATALOG)
@require_POST
def cart_clear(request):
    cart = working_cart(request)
    if cart is not None and cart.pk is not None:
        services.cart_clear(scope=request.scope, cart=cart)
        messages.success(request, _("The cart is empty now."))
    return redirect("cart:detail")


@partner_view(Section.CATALOG)
@require_POST
def cart_checkout(request):
    """Place the order: a draft, or sent to the supplier (C2)."""
    cart = working_cart(request)
    if cart is None:
        raise Http404
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, form=form)
    data = form.cleaned_data
    agreement = agreement_for(request.scope, data["agreement"])
    if agreement.counterparty_id != cart.counterparty_id:
        raise Http404
    if agreement.pk != cart.agreement.pk:
        # Another agreement may mean other prices: show them before the order is placed.
        request.session[SESSION_KEY] = agreement.pk
        messages.info(
            request,
            _("Prices are now those of “%(agreement)s”: check the cart and place the order again.")
            % {"agreement": agreement.name},
        )
        return redirect("cart:detail")
    if cart.pk is None:
        return _detail_page(request, form=form, errors=[_("The cart is empty.")])
    try:
        order = order_place(
            scope=request.scope,
            cart=cart,
            agreement=agreement,
            address_id=data["address"],
            desired_date=data["desired_date"],
            comment=data["comment"],
            send=data["action"] == CheckoutForm.SEND,
            submit_token=data["submit_token"],
        )
    except ValidationError as error:
        return _detail_page(request, form=form, errors=error.messages)
    if order.status == Status.DRAFT:
        messages.success(
            request, _("Order %(number)s is saved as a draft.") % {"number": order.number}
        )
    elif order.status == Status.AWAITING_APPROVAL:
        messages.info(
            request,
            _("Order %(number)s awaits approval: it goes out once approved.")
            % {"number": order.number},
        )
    else:
        messages.success(request, _("Order %(number)s is sent.") % {"number": order.number})
    for warning in order.placement_warnings:
        messages.warning(request, warning)
    return redirect(_order_url(order))


def _order_url(order) -> str:
    return reverse("orders:detail", args=[order.pk])
