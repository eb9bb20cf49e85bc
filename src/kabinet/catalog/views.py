"""Catalog pages: the product list (tiles or a dense list), the product card, documents.

The list answers an htmx request aimed at `#results` with that partial only (filters, sort and
search change without a page load); anything else gets the whole page.
"""

from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.cart.selectors import ID_MAX
from kabinet.catalog import selectors
from kabinet.catalog.stock import stock_display
from kabinet.core.htmx import vary_on_htmx, wants_fragment
from kabinet.web.selectors import current_agreement

VIEW_SESSION_KEY = "catalog_view"
VIEW_MODES = ("tiles", "list")
SAFE_METHODS = ("GET", "HEAD")


def _int(value, default=None):
    """A number from the query string; beyond a database id's range it is malformed too."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if abs(number) <= ID_MAX else default


def _list_params(query) -> dict:
    """The list's filters from the query string; anything malformed is ignored."""
    properties: dict[int, list[str]] = {}
    for item in query.getlist("prop"):
        property_id, _sep, value = item.partition(":")
        if _int(property_id) is not None and value:
            properties.setdefault(int(property_id), []).append(value[:500])
    return {
        "section_id": _int(query.get("section")),
        "query": query.get("q", "")[:200],
        "brand_ids": [b for b in (_int(v) for v in query.getlist("brand")) if b is not None],
        "property_filters": properties,
        "in_stock": query.get("in_stock") == "1",
        "sort": query.get("sort", ""),
        "page": max(_int(query.get("page"), 1), 1),
    }


def _view_mode(request) -> str:
    """Tiles or list: chosen with ?view=, remembered in the session (written only on change)."""
    chosen = request.GET.get("view")
    if chosen in VIEW_MODES:
        if request.session.get(VIEW_SESSION_KEY) != chosen:
            request.session[VIEW_SESSION_KEY] = chosen
        return chosen
    remembered = request.session.get(VIEW_SESSION_KEY)
    return remembered if remembered in VIEW_MODES else VIEW_MODES[0]


@partner_view(Section.CATALOG)
@require_safe
def catalog_list(request):
    agreement = current_agreement(request)
    params = _list_params(request.GET)
    context = {"view_mode": _view_mode(request), "params": params, "agreement": agreement}
    if agreement is not None:
        context["page"] = selectors.catalog_page(scope=request.scope, agreement=agreement, **params)
        context["stock_display"] = stock_display()
    partial = wants_fragment(request, target="results")
    template = "catalog/list.html#results" if partial else "catalog/list.html"
    return vary_on_htmx(render(request, template, context))


@partner_view(Section.CATALOG)
def product_detail(request, product_id: int):
    agreement = current_agreement(request)
    if agreement is None:
        raise Http404
    card = selectors.product_detail(scope=request.scope, agreement=agreement, product_id=product_id)
    if request.method not in SAFE_METHODS:  # after the lookup: a foreign id is 404 on any method
        return HttpResponseNotAllowed(SAFE_METHODS)
    colour = request.GET.get("colour")
    return render(
        request,
        "catalog/product.html",
        {
            "card": card,
            "product": card.product,
            "matrix": card.matrix.only(colour),
            "colour": colour if colour in card.matrix.colours else None,
            "stock_display": stock_display(),
            "agreement": agreement,
        },
    )


@partner_view(Section.CATALOG)
def document_download(request, document_id: int):
    agreement = current_agreement(request)
    if agreement is None:
        raise Http404
    document = selectors.document_get(
        scope=request.scope, agreement=agreement, document_id=document_id
    )
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = PurePosixPath(document.file.name).suffix
    return FileResponse(handle, as_attachment=True, filename=f"{document.title}{suffix}")


@partner_view(Section.CATALOG)
def image(request, image_id: int):
    """Product pictures go through the assortment check like documents (no public /media/)."""
    agreement = current_agreement(request)
    if agreement is None:
        raise Http404
    picture = selectors.image_get(scope=request.scope, agreement=agreement, image_id=image_id)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    try:
        handle = picture.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=86400"
    return response
