"""The personal price list (B8), routed under `catalog:`.

`price-list` answers with the file when today's list is ready (or small enough to build at
once), else sends to the list's page, which shows the task's progress (htmx polling) and then
the download link. Files are served only here, after the access check, and only while they
match today's prices.
"""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.pricing import selectors, services
from kabinet.pricing.models import PriceList
from kabinet.pricing.pricelist import XLSX_CONTENT_TYPE
from kabinet.web.selectors import current_agreement


@partner_view(Section.CATALOG)
@require_safe
def price_list(request):
    """The current agreement's assortment at the partner's prices, as XLSX, or its page."""
    agreement = current_agreement(request)
    if agreement is None:
        raise Http404
    built = services.price_list_request(scope=request.scope, agreement=agreement)
    if built.status == PriceList.Status.READY:
        return _file(built)
    return redirect("catalog:price-list-status", built.pk)


@partner_view(Section.CATALOG)
@require_safe
def price_list_status(request, price_list_id: int):
    """The list being prepared (progress), ready (download link) or failed (try again)."""
    built = selectors.price_list_get(request.scope, price_list_id)
    if not selectors.price_list_is_current(built):
        # Prices changed since: today's list, never the old one.
        built = services.price_list_request(scope=request.scope, agreement=built.agreement)
        if request.htmx:
            return HttpResponseClientRedirect(reverse("catalog:price-list-status", args=[built.pk]))
        return redirect("catalog:price-list-status", built.pk)
    if request.htmx and request.GET.get("progress"):
        if built.status == PriceList.Status.BUILDING:
            return render(request, "pricing/price_list.html#progress", {"price_list": built})
        return HttpResponseClientRefresh()
    return render(request, "pricing/price_list.html", {"price_list": built})


@partner_view(Section.CATALOG)
@require_safe
def price_list_download(request, price_list_id: int):
    built = selectors.price_list_get(request.scope, price_list_id)
    if built.status != PriceList.Status.READY or not selectors.price_list_is_current(built):
        return redirect("catalog:price-list-status", built.pk)
    return _file(built)


def _file(built: PriceList) -> FileResponse:
    try:
        handle = services.price_list_storage().open(built.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"price-list-{localdate():%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
