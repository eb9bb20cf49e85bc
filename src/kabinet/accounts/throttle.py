"""Throttles on logins and password-reset letters, by the client's real address.

Failed logins (django-axes, database handler) lock the (login, address) pair after
AXES_FAILURE_LIMIT failures, and the address alone after KABINET_LOGIN_ADDRESS_LIMIT failures on
any logins. An account as such is never locked: an attacker elsewhere cannot lock its owner out.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the one they forwarded.

    With KABINET_TRUSTED_PROXIES = n, each of the n proxies appends the address it received the
    request from to X-Forwarded-For, so the n-th entry from the right is what the outermost proxy
    saw; entries further left are the client's own claims and are ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.KABINET_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through all the proxies: nothing forwarded can be trusted
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, larger limit for the address alone."""

    def get_failures(self, request, credentials=None) -> int:
        """Failures on axes' scale (locked at AXES_FAILURE_LIMIT): the most of the pair's own
        failures and the address's failures scaled so KABINET_LOGIN_ADDRESS_LIMIT reaches it."""
        from_address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        pair = _failures(from_address.filter(username=get_client_username(request, credentials)))
        address = _failures(from_address)
        limit = settings.AXES_FAILURE_LIMIT
        return max(pair, address * limit // settings.KABINET_LOGIN_ADDRESS_LIMIT)
