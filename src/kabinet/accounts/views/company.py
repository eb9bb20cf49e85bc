"""The partner's company profile: legal entities, agreements, delivery addresses (A1)."""

from django.shortcuts import render

from kabinet.accounts import selectors
from kabinet.accounts.access import partner_view


@partner_view()
def company(request):
    return render(
        request,
        "accounts/company.html",
        {"counterparties": selectors.counterparty_list(request.scope)},
    )


@partner_view()
def counterparty_detail(request, counterparty_id: int):
    counterparty = selectors.counterparty_get(request.scope, counterparty_id)
    return render(request, "accounts/counterparty_detail.html", {"counterparty": counterparty})


@partner_view()
def agreement_list(request):
    return render(
        request,
        "accounts/agreement_list.html",
        {"agreements": selectors.agreement_list(request.scope)},
    )


@partner_view()
def address_list(request):
    return render(
        request,
        "accounts/address_list.html",
        {"addresses": selectors.address_list(request.scope)},
    )
