"""Finance pages (F1–F4): payments report, payment documents, reconciliation acts, calendar.

Every page needs the finance section; the selectors keep to the counterparties the employee
may act for. Each list exports to XLSX and CSV (`<page>/export.<fmt>`).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.finance import exports, selectors, services
from kabinet.finance.forms import CalendarFilterForm, PaymentFilterForm, ReconciliationRequestForm
from kabinet.finance.models import ReconciliationStatus

EXPORT_FORMATS = {"xlsx", "csv"}
PAGE_SIZE = 50


def _fmt_check(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise Http404


def _payment_form(request, *, default_period: bool) -> PaymentFilterForm:
    counterparties = selectors.finance_counterparties(request.scope)
    if default_period:
        return PaymentFilterForm.with_default_period(request.GET, counterparties=counterparties)
    return PaymentFilterForm(request.GET, counterparties=counterparties)


@partner_view(Section.FINANCE)
def finance_home(request):
    return redirect("finance:calendar")


@partner_view(Section.FINANCE)
def payment_report(request):
    form = _payment_form(request, default_period=True)
    report = selectors.payment_report(request.scope, group_by=form.grouping, **form.filters())
    context = {
        "form": form,
        "report": report,
        "query": form.query(),
        "show_counterparty": len(form.fields["counterparty"].choices) > 2,
    }
    return render(request, "finance/report.html", context)


@partner_view(Section.FINANCE)
def payment_report_export(request, fmt: str):
    _fmt_check(fmt)
    form = _payment_form(request, default_period=True)
    report = selectors.payment_report(request.scope, group_by=form.grouping, **form.filters())
    return exports.table_response(
        exports.report_table(report), fmt=fmt, filename="payments-report", language=get_language()
    )


@partner_view(Section.FINANCE)
def payment_list(request):
    form = _payment_form(request, default_period=False)
    payments = selectors.payment_filtered(request.scope, **form.document_filters())
    page = Paginator(payments, PAGE_SIZE).get_page(form.page_number)
    context = {
        "form": form,
        "page": page,
        "payments": page.object_list,
        "query": form.query(),
        "show_counterparty": len(form.fields["counterparty"].choices) > 2,
    }
    template = "finance/payments.html#rows" if request.htmx else "finance/payments.html"
    return render(request, template, context)


@partner_view(Section.FINANCE)
def payment_export(request, fmt: str):
    _fmt_check(fmt)
    form = _payment_form(request, default_period=False)
    payments = selectors.payment_filtered(request.scope, **form.document_filters())
    return exports.table_response(
        exports.payments_table(payments), fmt=fmt, filename="payments", language=get_language()
    )


def _calendar_form(request) -> CalendarFilterForm:
    return CalendarFilterForm(
        request.GET, counterparties=selectors.finance_counterparties(request.scope)
    )


@partner_view(Section.FINANCE)
def payment_calendar(request):
    form = _calendar_form(request)
    calendar = selectors.payment_calendar(
        request.scope, today=timezone.localdate(), counterparty_id=form.counterparty_id
    )
    context = {
        "form": form,
        "calendar": calendar,
        "query": request.GET.urlencode(),
        "show_counterparty": len(form.fields["counterparty"].choices) > 2,
    }
    return render(request, "finance/calendar.html", context)


@partner_view(Section.FINANCE)
def payment_calendar_export(request, fmt: str):
    _fmt_check(fmt)
    today = timezone.localdate()
    items = selectors.schedule_open(
        request.scope, counterparty_id=_calendar_form(request).counterparty_id
    )
    return exports.table_response(
        exports.calendar_table(items, today=today),
        fmt=fmt,
        filename="payment-calendar",
        language=get_language(),
    )


@partner_view(Section.FINANCE)
def credit_export(request, fmt: str):
    _fmt_check(fmt)
    agreements = selectors.agreement_credit(
        request.scope, counterparty_id=_calendar_form(request).counterparty_id
    )
    return exports.table_response(
        exports.credit_table(agreements), fmt=fmt, filename="credit", language=get_language()
    )


@partner_view(Section.FINANCE)
def act_list(request):
    """The act request form (POST creates a request) and the user's requests with statuses."""
    counterparties = selectors.finance_counterparties(request.scope)
    if request.method == "POST":
        form = ReconciliationRequestForm(request.POST, counterparties=counterparties)
        if form.is_valid():
            try:
                services.reconciliation_request_create(
                    scope=request.scope,
                    counterparty_id=form.cleaned_data["counterparty"],
                    period_from=form.cleaned_data["period_from"],
                    period_to=form.cleaned_data["period_to"],
                    with_stamp=form.cleaned_data["with_stamp"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The request has been sent. The act will appear here when ready.")
                )
                return redirect("finance:acts")
    else:
        form = ReconciliationRequestForm(counterparties=counterparties)
    requests = selectors.reconciliation_request_list(request.scope)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "requests": page.object_list,
        "statuses": ReconciliationStatus,
        "show_counterparty": len(counterparties) > 1,
        "query": "",
    }
    return render(request, "finance/acts.html", context, status=400 if form.errors else 200)


@partner_view(Section.FINANCE)
def act_export(request, fmt: str):
    _fmt_check(fmt)
    requests = selectors.reconciliation_request_list(request.scope)
    return exports.table_response(
        exports.requests_table(requests),
        fmt=fmt,
        filename="reconciliation-acts",
        language=get_language(),
    )


@partner_view(Section.FINANCE)
def act_download(request, request_id: int):
    """The act's PDF, only for the user's own ready requests."""
    act_request = selectors.reconciliation_request_get(request.scope, request_id)
    if act_request.status != ReconciliationStatus.READY or not act_request.act:
        raise Http404
    try:
        file = act_request.act.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = (
        f"act-{act_request.period_from:%Y%m%d}-{act_request.period_to:%Y%m%d}-{act_request.pk}.pdf"
    )
    return FileResponse(file, as_attachment=True, filename=name, content_type="application/pdf")
