"""A URLconf with a deliberately unscoped view, for the test of the isolation test."""

from django.http import HttpResponse
from django.urls import path

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Counterparty


@partner_view()
def leaky_counterparty(request, counterparty_id: int):
    # The bug the walker must catch: a lookup that ignores request.scope.
    return HttpResponse(Counterparty.objects.get(pk=counterparty_id).name)


def unmarked(request):
    return HttpResponse("nobody declared who may see this")


urlpatterns = [
    path("leaky/<int:counterparty_id>/", leaky_counterparty),
    path("unmarked/", unmarked),
]
