from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kabinet.accounts.access import partner_view
from kabinet.pricing.selectors import agreement_for
from kabinet.web.selectors import SESSION_KEY


def _landing(view):
    """`/` for people who are not a partner's employees: staff go to their pages (the admin,
    until a staff workspace exists); any other account without a partner — the 1C exchange
    account — gets a page saying what it is for, not the partner's "ask your administrator"."""

    @wraps(view)  # keeps the view's access mark
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.partner_id is None:
            if user.is_staff:
                return redirect("admin:index")
            return render(
                request,
                "web/no_portal.html",
                {"exchange": user.has_perm("exchange.use_exchange")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


@_landing
@partner_view()
def home(request):
    return render(request, "web/home.html")


@partner_view()
@require_POST
def counterparty_switch(request):
    """Remember which counterparty and agreement the user acts for (catalog, cart, orders)."""
    try:
        agreement_id = int(request.POST.get("agreement", ""))
    except ValueError:
        raise Http404 from None
    agreement = agreement_for(request.scope, agreement_id)
    request.session[SESSION_KEY] = agreement.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
