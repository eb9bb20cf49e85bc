"""Reads of a user's notifications: only their own, ever."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from kabinet.accounts.scope import Scope
from kabinet.comms.models import Notification


def notification_qs(scope: Scope) -> QuerySet[Notification]:
    return Notification.objects.filter(user=scope.user)


def notification_list(*, scope: Scope, page: int = 1, per_page: int = 30) -> Page:
    """One page of the user's notifications, newest first (two queries)."""
    return Paginator(notification_qs(scope).order_by("-created_at", "-pk"), per_page).get_page(page)


def unread_count(scope: Scope) -> int:
    return notification_qs(scope).filter(read_at__isnull=True).count()
