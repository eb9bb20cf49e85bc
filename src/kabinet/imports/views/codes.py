"""The partner's own product codes (B9): the list and the file of codes, and the product card's
fragment (`imports/partner_code_form.html`) with its htmx answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.catalog.models import Variant
from kabinet.imports import selectors, services
from kabinet.imports.forms import CodesUploadForm, PartnerCodeForm
from kabinet.imports.reading import FileReadError
from kabinet.pricing.selectors import orderable_products, pricing_context
from kabinet.web.selectors import current_agreement


@partner_view(Section.CATALOG)
@require_http_methods(["GET", "POST"])
def codes(request):
    """The partner's codes, searchable, and loading them from a two-column file."""
    result, errors, status = None, [], 200
    if request.method == "POST":
        form = CodesUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors, status = [_("Choose a file to upload.")], 400
        else:
            try:
                result = services.partner_codes_load(
                    scope=request.scope,
                    agreement=current_agreement(request),
                    upload=form.cleaned_data["file"],
                )
            except FileReadError as error:
                errors, status = [error.message], 400
            except ValidationError as error:
                errors, status = error.messages, 400
            else:
                if result.saved:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s code is loaded.",
                            "%(count)s codes are loaded.",
                            len(result.rows),
                        )
                        % {"count": len(result.rows)},
                    )
                    return redirect("imports:codes")
                status = 400
    query = request.GET.get("q", "")[:100]
    context = {
        "form": CodesUploadForm(),
        "errors": errors,
        "result": result,
        "query": query,
        "page": selectors.partner_code_page(
            request.scope, query=query, page=request.GET.get("page")
        ),
    }
    return render(request, "imports/codes.html", context, status=status)


def _orderable_product(request, product_id: int):
    """The product of the card, if the user may order it under the agreement they act for."""
    agreement = current_agreement(request)
    if agreement is None:
        raise Http404
    context = pricing_context(scope=request.scope, agreement=agreement)
    product = orderable_products(context).filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product


def _card(request, product, *, errors=(), status=200):
    variants = list(
        Variant.objects.filter(product_id=product.pk, is_active=True).order_by("sort", "pk")
    )
    context = {
        "product": product,
        "partner_codes": selectors.partner_codes_for_product(request.scope, product.pk),
        "variants": variants if len(variants) > 1 else [],
        "code_errors": errors,
        "loaded": True,
    }
    return render(request, "imports/partner_code_form.html", context, status=status)


@partner_view(Section.CATALOG)
@require_GET
def partner_codes(request, product_id: int):
    """The product card's fragment: the partner's codes of the product and the form."""
    return _card(request, _orderable_product(request, product_id))


@partner_view(Section.CATALOG)
@require_POST
def partner_code_set(request, product_id: int):
    product = _orderable_product(request, product_id)
    form = PartnerCodeForm(request.POST)
    errors = []
    if not form.is_valid():
        errors = [_("Enter the code.")]
    else:
        try:
            services.partner_code_set(
                scope=request.scope,
                agreement=current_agreement(request),
                product_id=product.pk,
                code=form.cleaned_data["code"],
                variant_id=form.cleaned_data["variant"],
            )
        except ValidationError as error:
            errors = error.messages
    if request.htmx:
        return _card(request, product, errors=errors, status=200)
    for error in errors:
        messages.error(request, error)
    return redirect("catalog:product", product.pk)


@partner_view(Section.CATALOG)
@require_POST
def partner_code_delete(request, code_id: int):
    code = services.partner_code_delete(scope=request.scope, code_id=code_id)
    if request.htmx and request.POST.get("from") == "card":
        try:
            product = _orderable_product(request, code.product_id)
        except Http404:
            return render(request, "imports/partner_code_form.html", {"loaded": True})
        return _card(request, product)
    messages.success(request, _("The code “%(code)s” is removed.") % {"code": code.code})
    return redirect("imports:codes")
