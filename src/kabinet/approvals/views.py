"""Approval pages (A7): the approver's queue and decision, the administrator's rules.

The queue and the decision are open to any partner user — the selectors show only orders
the user may approve (404 for any other); the rules need the "employees" section.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.accounts.selectors import counterparty_list, employee_qs
from kabinet.approvals import selectors, services
from kabinet.approvals.forms import DecisionForm, RuleForm


@partner_view()
def approval_list(request):
    return render(
        request,
        "approvals/list.html",
        {
            "orders": selectors.approval_queue(request.scope),
            "can_set_rules": request.scope.is_admin,
        },
    )


@partner_view()
def approval_detail(request, order_id: int):
    order = selectors.approval_order(request.scope, order_id)
    return render(
        request,
        "approvals/detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "events": order.events.all(),
            "form": DecisionForm(),
            "own": order.author_id == request.user.pk,
        },
    )


def _decide(request, order_id: int, action, success: str):
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        action(comment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("approvals:detail", order_id=order_id)
    messages.success(request, success)
    return redirect("approvals:list")


@partner_view()
@require_POST
def approval_approve(request, order_id: int):
    return _decide(
        request,
        order_id,
        lambda comment: services.order_approve(
            scope=request.scope, order_id=order_id, comment=comment
        ),
        _("The order is approved and sent to the supplier."),
    )


@partner_view()
@require_POST
def approval_return(request, order_id: int):
    return _decide(
        request,
        order_id,
        lambda comment: services.order_return(
            scope=request.scope, order_id=order_id, comment=comment
        ),
        _("The order is returned to its author as a draft."),
    )


@partner_view(Section.EMPLOYEES)
def rule_list(request):
    employees = employee_qs(request.scope).filter(is_active=True).order_by("full_name", "pk")
    form = RuleForm(
        request.POST or None,
        counterparties=counterparty_list(request.scope),
        employees=employees,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.approval_rule_create(
                scope=request.scope,
                total_above=data["total_above"],
                lines_above=data["lines_above"],
                counterparty_id=data["counterparty"],
                employee_id=data["employee"],
                approver_id=data["approver"],
                approver_section=data["approver_section"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The rule has been added."))
            return redirect("approvals:rule-list")
    return render(
        request,
        "approvals/rules.html",
        {"rules": selectors.approval_rule_list(request.scope), "form": form},
    )


@partner_view(Section.EMPLOYEES)
@require_POST
def rule_delete(request, rule_id: int):
    services.approval_rule_delete(scope=request.scope, rule_id=rule_id)
    messages.success(request, _("The rule has been deleted."))
    return redirect("approvals:rule-list")
