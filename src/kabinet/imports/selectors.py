"""Reads of import jobs and partner codes, always through a Scope.

A job is its uploader's own (like the working cart it fills): colleagues' jobs, and jobs for a
counterparty the user may no longer act for, are 404 like another partner's.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

from kabinet.accounts.scope import Scope
from kabinet.cart.models import CartLine
from kabinet.cart.rules import nearest_valid_quantity
from kabinet.cart.selectors import cart_qs
from kabinet.catalog.models import Variant
from kabinet.catalog.services import search_normalize
from kabinet.imports.models import ImportJob, ImportRow, PartnerProductCode
from kabinet.imports.reading import Role
from kabinet.pricing.selectors import orderable_variants, pricing_context

ROWS_PER_PAGE = 100
CODES_PER_PAGE = 50
ID_MAX = 2**63 - 1


class RowFilter:
    PROBLEMS = "problems"  # errors and warnings
    ERRORS = "errors"
    WARNINGS = "warnings"
    SKIPPED = "skipped"
    ALL = "all"

    CHOICES = (PROBLEMS, ERRORS, WARNINGS, SKIPPED, ALL)


_FILTER_SEVERITIES = {
    RowFilter.PROBLEMS: [ImportRow.Severity.ERROR, ImportRow.Severity.WARNING],
    RowFilter.ERRORS: [ImportRow.Severity.ERROR],
    RowFilter.WARNINGS: [ImportRow.Severity.WARNING],
    RowFilter.SKIPPED: [ImportRow.Severity.SKIPPED],
}


def _valid_id(value) -> bool:
    return isinstance(value, int) and 0 < value <= ID_MAX


def import_job_qs(scope: Scope) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.filter(partner_id=scope.partner_id, user_id=scope.user.pk)
    if scope.counterparty_ids is not None:
        jobs = jobs.filter(counterparty_id__in=scope.counterparty_ids)
    return jobs


def import_job_get(scope: Scope, job_id: int) -> ImportJob:
    if not _valid_id(job_id):
        raise Http404
    job = import_job_qs(scope).select_related("agreement", "counterparty").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def import_job_recent(scope: Scope, *, limit: int = 10) -> list[ImportJob]:
    return list(import_job_qs(scope).defer("preview", "sheets", "pasted_text")[:limit])


@dataclass(frozen=True, slots=True)
class CandidateView:
    variant_id: int
    title: str
    article: str


def import_rows_page(
    job: ImportJob, *, row_filter: str = RowFilter.PROBLEMS, page: int = 1
) -> Page:
    """A page of the job's rows (the job already checked against the scope), each with
    `variant_title` and `candidate_views`: three queries whatever the page size."""
    rows = ImportRow.objects.filter(job_id=job.pk).select_related("variant__product")
    severities = _FILTER_SEVERITIES.get(row_filter)
    if severities:
        rows = rows.filter(severity__in=severities)
    result = Paginator(rows.order_by("row_number"), ROWS_PER_PAGE).get_page(page)
    _attach(result.object_list)
    return result


def import_rows_by_id(job: ImportJob, row_ids) -> list[ImportRow]:
    rows = list(
        ImportRow.objects.filter(job_id=job.pk, pk__in=list(row_ids))
        .select_related("variant__product")
        .order_by("row_number")
    )
    _attach(rows)
    return rows


def import_row_get(job: ImportJob, row_id: int) -> ImportRow:
    if not _valid_id(row_id):
        raise Http404
    row = ImportRow.objects.filter(job_id=job.pk, pk=row_id).first()
    if row is None:
        raise Http404
    return row


def _attach(rows) -> None:
    wanted = {pk for row in rows for pk in row.candidates or ()}
    variants = {
        variant.pk: variant
        for variant in Variant.objects.filter(pk__in=wanted).select_related("product")
    }
    for row in rows:
        chosen = [variants[pk] for pk in row.candidates or () if pk in variants]
        # Sizes of one product are told apart by their names alone.
        one_product = len({variant.product_id for variant in chosen}) == 1
        row.candidate_views = [
            CandidateView(
                variant.pk,
                (variant.name or str(variant)) if one_product else str(variant),
                variant.product.article,
            )
            for variant in chosen
        ]
        row.variant_title = str(row.variant) if row.variant_id and row.variant else ""


def import_rows_all(job: ImportJob, *, severities=None):
    """Every row in order, streamed (the report download)."""
    rows = ImportRow.objects.filter(job_id=job.pk).order_by("row_number")
    if severities:
        rows = rows.filter(severity__in=severities)
    return rows.iterator(chunk_size=2_000)


# --- The partner's own codes (B9) -------------------------------------------------------------


def partner_code_qs(scope: Scope) -> QuerySet[PartnerProductCode]:
    return PartnerProductCode.objects.filter(partner_id=scope.partner_id)


def partner_codes_for_product(scope: Scope, product_id: int) -> list[PartnerProductCode]:
    return list(
        partner_code_qs(scope)
        .filter(product_id=product_id)
        .select_related("variant")
        .order_by("code_key")
    )


def partner_code_page(scope: Scope, *, query: str = "", page: int = 1) -> Page:
    codes = partner_code_qs(scope).select_related("product", "variant")
    key = search_normalize(query)
    if key:
        codes = codes.filter(Q(code_key__contains=key) | Q(product__search_text__contains=key))
    return Paginator(codes.order_by("code_key", "pk"), CODES_PER_PAGE).get_page(page)


def partner_code_get(scope: Scope, code_id: int) -> PartnerProductCode:
    if not _valid_id(code_id):
        raise Http404
    code = partner_code_qs(scope).filter(pk=code_id).first()
    if code is None:
        raise Http404
    return code


def partner_code_product_ids(scope: Scope, tokens) -> QuerySet:
    """Ids of the products the partner's own codes name, for catalog search (a subquery).

    A code matches when it contains every token of the query (tokens as from
    `catalog.services.search_tokens`). OR it into the catalog's text search:

        base.filter(words_q | Q(pk__in=partner_code_product_ids(scope, tokens)))
    """
    codes = partner_code_qs(scope)
    tokens = [token for token in tokens if token]
    if not tokens:
        return codes.none().values("product_id")
    for token in tokens:
        codes = codes.filter(code_key__contains=token)
    return codes.values("product_id")


# --- Around the report ------------------------------------------------------------------------


def import_line_count(job: ImportJob) -> int:
    """How many cart lines the recognised rows make (repeated products are one line)."""
    return (
        ImportRow.objects.filter(
            job_id=job.pk,
            severity__in=[ImportRow.Severity.OK, ImportRow.Severity.WARNING],
            variant__isnull=False,
        )
        .values("variant_id")
        .distinct()
        .count()
    )


def import_proposal_count(job: ImportJob) -> int:
    return ImportRow.objects.filter(
        job_id=job.pk, severity=ImportRow.Severity.ERROR, proposed_quantity__isnull=False
    ).count()


def working_cart_line_count(scope: Scope, job: ImportJob) -> int:
    """Lines in the user's working cart for the job's counterparty (merge, replace or draft?)."""
    carts = cart_qs(scope).filter(owner_id=scope.user.pk, counterparty_id=job.counterparty_id)
    return CartLine.objects.filter(cart__in=carts.filter(name="")).count()


def template_example(scope: Scope, agreement) -> dict | None:
    """An orderable product of the user's, as the template's example row."""
    context = pricing_context(scope=scope, agreement=agreement)
    variant = (
        orderable_variants(context)
        .exclude(product__article="")
        .select_related("product")
        .order_by("product__name", "pk")
        .first()
    )
    if variant is None:
        return None
    barcode = variant.barcodes.order_by("code").values_list("code", flat=True).first()
    quantity = nearest_valid_quantity(
        Decimal(1), multiple=variant.product.order_multiple, minimum=variant.product.min_quantity
    )
    return {
        Role.ARTICLE: variant.product.article,
        Role.BARCODE: barcode or "",
        Role.ERP_CODE: variant.product.erp_code,
        Role.PARTNER_CODE: "",
        Role.NAME: str(variant),
        Role.QUANTITY: int(quantity) if quantity == int(quantity) else float(quantity),
    }
