"""Order pages (E1, E2, E6): list, exports, the order page, its actions and documents.

Reading needs the orders section. Changing an order — send, recall, cancel, edit a draft,
repeat into the cart — is ordering, so it needs the catalog section as well (`_ordering`):
a person who only follows orders (an accountant) cannot change them.
"""

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.approvals.selectors import approval_may_decide
from kabinet.catalog.selectors import catalog_page
from kabinet.core.htmx import vary_on_htmx, wants_fragment
from kabinet.core.money import currency_sign
from kabinet.orders import exports, selectors, services, shortage
from kabinet.orders.forms import LINE_PREFIX, TABS, DraftForm, OrderFilterForm
from kabinet.orders.workflow import EDITABLE, Status
from kabinet.web.selectors import SESSION_KEY, counterparties_for_switcher, current_agreement

EXPORT_FORMATS = {"xlsx", "csv"}
DRAFT_FOUND = 20  # products shown for a search on a draft's page


def _ordering(view):
    """Changing an order needs the catalog section too (the route already needs orders)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.scope.require(Section.CATALOG)
        return view(request, *args, **kwargs)

    return wrapper


def _filter_form(request) -> OrderFilterForm:
    return OrderFilterForm(request.GET, counterparties=counterparties_for_switcher(request))


@partner_view(Section.ORDERS)
def order_list(request):
    form = _filter_form(request)
    page = selectors.order_list(scope=request.scope, **form.filters(), page=form.page_number)
    context = {
        "form": form,
        "page": page,
        "orders": page.object_list,
        "tabs": TABS,
        "tab": form.active_tab,
        "show_counterparty": len(form.fields["counterparty"].choices) > 2,
        # An order's page is the list's URL + its id: one reverse() instead of one per row.
        "list_url": reverse("orders:list"),
    }
    partial = wants_fragment(request)
    template = "orders/list.html#rows" if partial else "orders/list.html"
    return vary_on_htmx(render(request, template, context))


@partner_view(Section.ORDERS)
def order_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    orders = selectors.order_filtered(scope=request.scope, **_filter_form(request).filters())
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.orders_csv(orders, language=get_language()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="orders.csv"'
        return response
    return FileResponse(
        exports.orders_xlsx(orders),
        as_attachment=True,
        filename="orders.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@partner_view(Section.ORDERS)
def order_detail(request, order_id: int):
    order = selectors.order_detail(scope=request.scope, order_id=order_id)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "events": order.events.all(),
            "shipments": order.shipments.all(),
            "actions": selectors.order_actions(request.scope, order),
            "shortage_lines": shortage.shortage_lines(order),
            "can_order": request.scope.can(Section.CATALOG),
            "can_approve": approval_may_decide(request.scope, order),
        },
    )


@partner_view(Section.ORDERS)
@_ordering
@require_POST
def order_shortage(request, order_id: int):
    """The partner's per-line answer to a shortage (E3): accept or reject each line."""
    answers = {}
    for key, value in request.POST.items():
        if key.startswith("line-") and key[5:].isascii() and key[5:].isdigit():
            answers[int(key[5:])] = value
    return _apply(
        request,
        order_id,
        lambda: shortage.order_shortage_answer(
            scope=request.scope, order_id=order_id, answers=answers
        ),
        _("Your answer has been sent to the supplier."),
    )


@partner_view(Section.ORDERS)
def order_download(request, order_id: int):
    order = selectors.order_detail(scope=request.scope, order_id=order_id)
    return FileResponse(
        exports.order_xlsx(order),
        as_attachment=True,
        filename=f"order-{order.number}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@partner_view(Section.ORDERS)
def shipment_document(request, shipment_id: int):
    """A shipment's document (УПД, waybill) — only of the user's own orders."""
    shipment = selectors.shipment_get(request.scope, shipment_id)
    if not shipment.document:
        raise Http404
    try:
        file = shipment.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = shipment.document.name.rsplit("/", 1)[-1]
    return FileResponse(file, as_attachment=True, filename=name)


def _apply(request, order_id: int, action, success: str):
    """Run a service on the order; show its refusal as a message; back to the order."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("orders:detail", order_id=order_id)


@partner_view(Section.ORDERS)
@_ordering
@require_POST
def order_send(request, order_id: int):
    try:
        event = services.order_send(scope=request.scope, order_id=order_id)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if event.status == Status.AWAITING_APPROVAL:
            messages.info(request, _("The order awaits approval: it goes out once approved."))
        else:
            messages.success(request, _("The order has been sent to the supplier."))
    return redirect("orders:detail", order_id=order_id)


@partner_view(Section.ORDERS)
@_ordering
@require_POST
def order_recall(request, order_id: int):
    return _apply(
        request,
        order_id,
        lambda: services.order_recall(scope=request.scope, order_id=order_id),
        _("The order is a draft again: change it and send it anew."),
    )


@partner_view(Section.ORDERS)
@_ordering
@require_POST
def order_cancel(request, order_id: int):
    return _apply(
        request,
        order_id,
        lambda: services.order_cancel(
            scope=request.scope, order_id=order_id, comment=request.POST.get("comment", "")
        ),
        _("The order has been cancelled."),
    )


def _money(amount: Decimal, currency: str) -> str:
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}\xa0{currency_sign(currency)}"


def _percent(value: Decimal | None) -> str:
    """ "+14 %", "−0.5 %": a price difference, signed, to a tenth when under ten."""
    if value is None:
        return ""
    rounded = value.quantize(Decimal("1") if abs(value) >= 10 else Decimal("0.1"))
    if not rounded:
        return "0\xa0%"
    sign = "+" if rounded > 0 else "−"
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal("1"))
    return f"{sign}{number_format(abs(rounded), use_l10n=True)}\xa0%"


MAX_CHANGES_LISTED = 10


def _repeat_messages(request, result: services.RepeatResult) -> None:
    """Say what the repeat did: lines added, under which agreement, at which prices."""
    plan = result.plan
    order, agreement = plan.order, plan.agreement
    messages.success(
        request,
        _("%(count)s lines added to the cart under the agreement “%(agreement)s”.")
        % {"count": len(result.added), "agreement": agreement.name},
    )
    if plan.changed:
        changes = [
            _("“%(product)s”: %(before)s → %(after)s")
            % {
                "product": repeated.line.product_name,
                "before": _money(repeated.line.price, order.currency),
                "after": _money(repeated.price, plan.currency),
            }
            for repeated in plan.changed[:MAX_CHANGES_LISTED]
        ]
        if len(plan.changed) > MAX_CHANGES_LISTED:
            changes.append(_("%(count)s more") % {"count": len(plan.changed) - MAX_CHANGES_LISTED})
        messages.warning(
            request,
            _(
                "Prices are today's prices of the agreement “%(agreement)s”, not the order's: "
                "%(changes)s. The repeated lines cost %(after)s instead of %(before)s "
                "(%(percent)s)."
            )
            % {
                "agreement": agreement.name,
                "changes": "; ".join(changes),
                "before": _money(plan.ordered_total, order.currency),
                "after": _money(plan.today_total, plan.currency),
                "percent": _percent(plan.difference_percent),
            },
        )
    elif agreement.pk != order.agreement_id:
        messages.info(
            request,
            _(
                "Prices are today's prices of the agreement “%(agreement)s”; they are the same "
                "as in the order."
            )
            % {"agreement": agreement.name},
        )
    if result.skipped:
        messages.warning(
            request,
            _("Not available now, not added: %(names)s")
            % {"names": ", ".join(line.product_name for line in result.skipped)},
        )


@partner_view(Section.ORDERS)
@_ordering
def order_repeat(request, order_id: int):
    """Repeat an order into the cart (C4), saying at which agreement's prices.

    POST with `agreement`: repeat under that agreement and work with it from now on. POST
    without: under the agreement the user works with when it is the order's; otherwise the
    page (GET) that offers the order's agreement (or says it has ended) and the current one,
    each with today's prices against the order's.
    """
    current = current_agreement(request)
    if request.method == "POST":
        chosen = request.POST.get("agreement", "")
        if not chosen and current is not None:
            order_agreement = selectors.order_agreement_id(scope=request.scope, order_id=order_id)
            if current.pk != order_agreement:
                return redirect("orders:repeat", order_id=order_id)  # ask which agreement
        try:
            agreement_id = int(chosen) if chosen else None
        except ValueError:
            raise Http404 from None
        try:
            result = services.order_repeat(
                scope=request.scope, order_id=order_id, agreement_id=agreement_id
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("orders:detail", order_id=order_id)
        request.session[SESSION_KEY] = result.plan.agreement.pk
        _repeat_messages(request, result)
        try:
            return redirect(reverse("cart:detail"))
        except NoReverseMatch:
            return redirect("orders:detail", order_id=order_id)
    order = selectors.order_detail(scope=request.scope, order_id=order_id)
    original = selectors.order_agreement_active(order)
    agreements = [original] if original is not None else []
    if current is not None and current.pk != order.agreement_id:
        agreements.append(current)
    plans = [
        selectors.order_repeat_plan(scope=request.scope, order=order, agreement=agreement)
        for agreement in agreements
    ]
    return render(
        request,
        "orders/repeat.html",
        {
            "order": order,
            "original_ended": original is None,
            "options": [
                {
                    "plan": plan,
                    "original": plan.agreement.pk == order.agreement_id,
                    "switch": current is not None and plan.agreement.pk != current.pk,
                    "percent": _percent(plan.difference_percent),
                }
                for plan in plans
            ],
        },
    )


@partner_view(Section.ORDERS)
@_ordering
def order_edit(request, order_id: int):
    """Edit a draft: lines, address, desired date, comment; find products (`?q=`, by article,
    code, barcode or name, as the catalog searches) and add them."""
    order = selectors.order_for_edit(scope=request.scope, order_id=order_id)
    if order.status not in EDITABLE:
        messages.error(request, _("Only a draft can be changed: recall the order first."))
        return redirect("orders:detail", order_id=order.pk)
    query = " ".join(request.GET.get("q", "").split())[:200]
    found = _draft_products_found(request, order, query)
    if wants_fragment(request, target="draft-found"):
        context = {"order": order, "query": query, "found": found}
        return vary_on_htmx(render(request, "orders/edit.html#found", context))
    addresses = selectors.order_addresses(order)
    form = DraftForm(
        request.POST or None,
        addresses=addresses,
        initial={
            "address": order.address_id,
            "desired_date": order.desired_date,
            "comment": order.comment,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.order_draft_update(
                scope=request.scope,
                order_id=order.pk,
                address_id=form.cleaned_data["address"],
                desired_date=form.cleaned_data["desired_date"],
                comment=form.cleaned_data["comment"],
                lines=form.lines,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if form.adds:
                messages.success(request, _("The products have been added to the draft."))
                return redirect("orders:edit", order_id=order.pk)
            messages.success(request, _("The draft has been saved."))
            return redirect("orders:detail", order_id=order.pk)
    rows = [
        (
            line,
            request.POST.get(f"{LINE_PREFIX}{line.variant_id}", "")
            if request.method == "POST"
            else line.quantity,
        )
        for line in order.lines.all()
    ]
    context = {"order": order, "form": form, "rows": rows, "query": query, "found": found}
    return vary_on_htmx(render(request, "orders/edit.html", context))


def _draft_products_found(request, order, query: str) -> list | None:
    """The priced variants the query finds under the draft's agreement (None: no search)."""
    if not query:
        return None
    page = catalog_page(
        scope=request.scope, agreement=order.agreement, query=query, per_page=DRAFT_FOUND
    )
    return [variant for product in page.products for variant in product.offers]
