"""The partner administrator's employee management (A3)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kabinet.accounts import selectors, services
from kabinet.accounts.access import partner_view
from kabinet.accounts.forms import EmployeeCreateForm, EmployeeForm
from kabinet.accounts.models import Section


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _issued(request, issued: services.IssuedPassword):
    """The temporary password is shown once, on this response only."""
    return render(request, "accounts/employee_issued.html", {"issued": issued})


@partner_view(Section.EMPLOYEES)
def employee_list(request):
    return render(
        request,
        "accounts/employee_list.html",
        {"employees": selectors.employee_list(request.scope)},
    )


@partner_view(Section.EMPLOYEES)
def employee_create(request):
    counterparties = selectors.counterparty_list(request.scope)
    form = EmployeeCreateForm(request.POST or None, counterparties=counterparties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.employee_create(
                scope=request.scope,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                sections=data["sections"],
                counterparty_ids=data["counterparties"],
                send_invitation=data["send_invitation"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _issued(request, issued)
    return render(request, "accounts/employee_form.html", {"form": form, "employee": None})


@partner_view(Section.EMPLOYEES)
def employee_update(request, user_id: int):
    employee = selectors.employee_get(request.scope, user_id)
    counterparties = selectors.counterparty_list(request.scope)
    initial = {
        "full_name": employee.full_name,
        "email": employee.email or "",
        "phone": employee.phone or "",
        "position": employee.position,
        "sections": employee.sections,
        "counterparties": [c.pk for c in employee.counterparties.all()],
    }
    form = EmployeeForm(request.POST or None, initial=initial, counterparties=counterparties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.employee_update(
                scope=request.scope,
                user_id=employee.pk,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                sections=data["sections"],
                counterparty_ids=data["counterparties"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:employee-list")
    return render(request, "accounts/employee_form.html", {"form": form, "employee": employee})


@partner_view(Section.EMPLOYEES)
@require_POST
def employee_block(request, user_id: int):
    try:
        employee = services.employee_block(scope=request.scope, user_id=user_id)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("%(name)s is blocked.") % {"name": employee})
    return redirect("accounts:employee-list")


@partner_view(Section.EMPLOYEES)
@require_POST
def employee_unblock(request, user_id: int):
    employee = services.employee_unblock(scope=request.scope, user_id=user_id)
    messages.success(request, _("%(name)s is unblocked.") % {"name": employee})
    return redirect("accounts:employee-list")


@partner_view(Section.EMPLOYEES)
@require_POST
def employee_password_reset(request, user_id: int):
    issued = services.employee_password_reset(
        scope=request.scope, user_id=user_id, send_invitation=bool(request.POST.get("send"))
    )
    return _issued(request, issued)
