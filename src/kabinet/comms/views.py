"""The user's notifications (E5): list, mark read, and the header badge."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.comms import selectors, services


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@partner_view()
def notification_list(request):
    page = selectors.notification_list(scope=request.scope, page=_page_number(request))
    return render(request, "comms/list.html", {"page": page, "notifications": page.object_list})


@partner_view()
@require_POST
def notification_read(request, notification_id: int):
    """Mark read and open what it is about (the order, when the user may see orders)."""
    notification = services.notification_read(scope=request.scope, notification_id=notification_id)
    if notification.order_id and request.scope.can(Section.ORDERS):
        return redirect("orders:detail", order_id=notification.order_id)
    return redirect("comms:list")


@partner_view()
@require_POST
def notifications_read_all(request):
    services.notifications_read_all(scope=request.scope)
    return redirect("comms:list")


@partner_view()
def notification_badge(request):
    return render(
        request,
        "comms/badge.html",
        {"unread_notifications": selectors.unread_count(request.scope)},
    )
