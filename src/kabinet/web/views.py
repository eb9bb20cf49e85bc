from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.selectors import counterparty_qs
from kabinet.web.selectors import SESSION_KEY


@partner_view()
def home(request):
    return render(request, "web/home.html")


@partner_view()
@require_POST
def counterparty_switch(request):
    """Remember which of the user's counterparties they act for (catalog, cart, orders)."""
    try:
        counterparty_id = int(request.POST.get("counterparty", ""))
    except ValueError:
        raise Http404 from None
    if not counterparty_qs(request.scope).filter(pk=counterparty_id).exists():
        raise Http404
    request.session[SESSION_KEY] = counterparty_id
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
