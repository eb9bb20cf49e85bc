"""Quick order pages: upload or paste, confirm the columns, the report, fixes, apply (C3, D)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.imports import selectors, services
from kabinet.imports.display import ROLE_LABELS
from kabinet.imports.downloads import XLSX_TYPE, report_xlsx, template_csv, template_xlsx
from kabinet.imports.forms import (
    ApplyForm,
    MappingForm,
    PasteForm,
    RowFixForm,
    UploadForm,
    mapping_initial,
)
from kabinet.imports.matching import match_order_clean
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.reading import FileReadError, Role, column_letter
from kabinet.imports.services.jobs import preview_width
from kabinet.imports.views.common import report_context, report_filters, rows_context
from kabinet.web.selectors import SESSION_KEY, current_agreement

Status = ImportJob.Status


def _next_url(job: ImportJob) -> str:
    if job.status == Status.UPLOADED:
        return reverse("imports:mapping", args=[job.pk])
    return reverse("imports:report", args=[job.pk])


def _upload_page(request, *, upload_errors=(), paste_errors=(), paste_form=None, status=200):
    context = {
        "agreement": current_agreement(request),
        "upload_form": UploadForm(),
        "paste_form": paste_form or PasteForm(),
        "upload_errors": upload_errors,
        "paste_errors": paste_errors,
        "recent": selectors.import_job_recent(request.scope),
    }
    return render(request, "imports/upload.html", context, status=status)


@partner_view(Section.CATALOG)
@require_http_methods(["GET", "POST"])
def upload(request):
    """The upload form, the template downloads and the paste box (`paste` answers that)."""
    if request.method == "GET":
        return _upload_page(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, upload_errors=[_("Choose a file to upload.")], status=400)
    try:
        job = services.import_job_upload(
            scope=request.scope,
            agreement=current_agreement(request),
            upload=form.cleaned_data["file"],
        )
    except FileReadError as error:
        return _upload_page(request, upload_errors=[error.message], status=400)
    except ValidationError as error:
        return _upload_page(request, upload_errors=error.messages, status=400)
    return redirect(_next_url(job))


@partner_view(Section.CATALOG)
@require_POST
def paste(request):
    form = PasteForm(request.POST)
    if not form.is_valid():
        errors = [_("Paste at least one line: an article and a quantity.")]
        return _upload_page(request, paste_errors=errors, paste_form=form, status=400)
    try:
        job = services.import_job_paste(
            scope=request.scope,
            agreement=current_agreement(request),
            text=form.cleaned_data["text"],
        )
    except ValidationError as error:
        return _upload_page(request, paste_errors=error.messages, paste_form=form, status=400)
    return redirect(_next_url(job))


@partner_view(Section.CATALOG)
@require_GET
def template(request, fmt: str):
    """The order template with the expected columns and an example row (D1)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    agreement = current_agreement(request)
    example = selectors.template_example(request.scope, agreement) if agreement else None
    if fmt == "xlsx":
        content, content_type = template_xlsx(example), XLSX_TYPE
    else:
        content, content_type = template_csv(example), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="quick-order.{fmt}"'
    return response


@partner_view(Section.CATALOG)
@require_http_methods(["GET", "POST"])
def mapping(request, job_id: int):
    """The first rows of a sheet, its header row and a column per role, to confirm (D2)."""
    job = selectors.import_job_get(request.scope, job_id)
    if job.source != ImportJob.Source.FILE:
        raise Http404
    if not job.is_open and job.status != Status.FAILED:
        return redirect("imports:report", job.pk)
    names = [info["name"] for info in job.sheets]
    sheet_name = request.POST.get("sheet") or request.GET.get("sheet") or job.sheet_name
    if sheet_name not in names:
        sheet_name = job.sheet_name
    info = next(info for info in job.sheets if info["name"] == sheet_name)
    rows = job.preview.get(sheet_name, [])
    width = preview_width(info)
    using_job_mapping = sheet_name == job.sheet_name and job.mapping
    if using_job_mapping:
        info = {**info, "header_row": job.mapping.get("header_row"), **job.mapping}
    order = job.match_order or info.get("order") or []
    form_kwargs = {"info": info, "rows": rows, "width": width}
    errors = []
    if request.method == "POST":
        form = MappingForm(request.POST, **form_kwargs)
        if not form.is_valid():
            errors = [_("Choose the header row and the columns among those offered.")]
        else:
            header_row, columns, order = form.mapping()
            try:
                job = services.import_job_map(
                    scope=request.scope,
                    job_id=job.pk,
                    sheet_name=sheet_name,
                    header_row=header_row,
                    columns=columns,
                    order=order,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                return redirect("imports:report", job.pk)
    else:
        form = MappingForm(initial=mapping_initial(info, match_order_clean(order)), **form_kwargs)
    context = {
        "job": job,
        "form": form,
        "errors": errors,
        "sheets": [s for s in job.sheets if s["rows"]],
        "sheet_name": sheet_name,
        "info": info,
        "preview": _preview_rows(rows, info.get("header_row"), width),
        "letters": _letters(width, info.get("columns")),
    }
    return render(request, "imports/mapping.html", context, status=400 if errors else 200)


def _letters(width: int, columns: dict) -> list[tuple[str, str]]:
    """Each column's letter and the role the mapping gives it."""
    roles = {col: str(ROLE_LABELS[Role(role)]) for role, col in (columns or {}).items()}
    return [(column_letter(col), roles.get(col, "")) for col in range(width)]


def _preview_rows(rows: list, header_row: int | None, width: int) -> list[dict]:
    """The rows shown: the title block, the header and ten rows of data below it."""
    last = max(15, (header_row or 0) + 11)
    return [
        {
            "number": index + 1,
            "index": index,
            "cells": (list(row) + [""] * width)[:width],
            "header": index == header_row,
        }
        for index, row in enumerate(rows[:last])
    ]


@partner_view(Section.CATALOG)
@require_GET
def report(request, job_id: int):
    """The report (D4): counts, the problem rows with their fixes, and applying it."""
    job = selectors.import_job_get(request.scope, job_id)
    if job.status == Status.UPLOADED:
        return redirect("imports:mapping", job.pk)
    if request.htmx and request.GET.get("progress"):
        if job.status == Status.MATCHING:
            return render(request, "imports/report.html#progress", {"job": job})
        return HttpResponseClientRefresh()
    return render(request, "imports/report.html", report_context(request, job))


@partner_view(Section.CATALOG)
@require_GET
def report_download(request, job_id: int):
    """The report as XLSX: the rows to fix with a reason column, and every row (D4)."""
    job = selectors.import_job_get(request.scope, job_id)
    if job.status not in (Status.MATCHED, Status.APPLIED):
        raise Http404
    errors = selectors.import_rows_all(job, severities=[ImportRow.Severity.ERROR])
    output = report_xlsx(job, errors, selectors.import_rows_all(job))
    stem = (job.file_name.rsplit(".", 1)[0] if job.file_name else "") or "paste"
    name = _("%(name)s — report.xlsx") % {"name": stem}
    return FileResponse(output, as_attachment=True, filename=name, content_type=XLSX_TYPE)


@partner_view(Section.CATALOG)
@require_POST
def row_fix(request, job_id: int, row_id: int):
    """Correct one row (code, quantity, or the product among the candidates) and check it."""
    job = selectors.import_job_get(request.scope, job_id)
    row = selectors.import_row_get(job, row_id)
    form = RowFixForm(request.POST)
    errors = []
    changed: list[ImportRow] = []
    if not form.is_valid():
        errors = [_("Enter a code and a quantity.")]
    else:
        data = form.cleaned_data
        try:
            job, changed = services.import_row_fix(
                scope=request.scope,
                job_id=job.pk,
                row_id=row.pk,
                code=data["code"] if "code" in request.POST else None,
                quantity=request.POST.get("use_quantity") or data["quantity"],
                variant_id=data["variant"],
            )
        except ValidationError as error:
            errors = error.messages
    if not request.htmx:
        for error in errors:
            messages.error(request, error)
        return redirect(reverse("imports:report", args=[job.pk]) + f"#row-{row.pk}")
    # The other rows that changed are sent only when the page shows them (another tab or page
    # has no element for them to replace).
    on_page = _ids(request.POST.get("shown", ""))
    others = {r.pk for r in changed if r.pk in on_page}
    shown = selectors.import_rows_by_id(job, {row.pk, *others})
    context = rows_context(request, job, shown)
    context.update(fixed_id=row.pk, row_errors=errors, oob=True, filters=report_filters(job))
    return render(request, "imports/row_fixed.html", context)


def _ids(text: str) -> set[int]:
    return {int(part) for part in text.split()[: selectors.ROWS_PER_PAGE] if part.isdigit()}


@partner_view(Section.CATALOG)
@require_POST
def use_proposed(request, job_id: int):
    job = selectors.import_job_get(request.scope, job_id)
    try:
        job, count = services.import_rows_use_proposed(scope=request.scope, job_id=job.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "The proposed quantity is taken in %(count)s row.",
                "The proposed quantities are taken in %(count)s rows.",
                count,
            )
            % {"count": count},
        )
    return redirect("imports:report", job.pk)


@partner_view(Section.CATALOG)
@require_POST
def apply(request, job_id: int):
    """Add the recognised rows to the cart, instead of it, or as a new draft order (D3)."""
    job = selectors.import_job_get(request.scope, job_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to add the rows."))
        return redirect("imports:report", job.pk)
    try:
        result = services.import_job_apply(
            scope=request.scope, job_id=job.pk, mode=form.cleaned_data["mode"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("imports:report", job.pk)
    request.session[SESSION_KEY] = job.agreement_id  # show the cart that was filled
    if result.order is not None:
        messages.success(
            request,
            _("Draft order %(number)s is created with %(lines)s lines.")
            % {"number": result.order.number, "lines": result.lines},
        )
        if request.scope.can(Section.ORDERS):
            return redirect("orders:detail", result.order.pk)
        return redirect("imports:report", job.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s line from the file is in the cart.",
            "%(count)s lines from the file are in the cart.",
            result.lines,
        )
        % {"count": result.lines},
    )
    return redirect("cart:detail")
