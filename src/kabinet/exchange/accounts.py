"""The exchange account: creating it, and checking 1C's login on the exchange endpoint.

The exchange authenticates on its own, not through the portal's login backends: the account's
login is an exact login (`onec` as well as `1c@supplier.local`), never read as a phone, and
wrong passwords never lock the supplier out of its own exchange (see `exchange_authenticate`).
"""

import math
import time

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction

from kabinet.accounts.models import User

# Failures from one address are forgotten after this long without another failure.
FAILURE_MEMORY = 15 * 60


def exchange_login_normalize(login: str) -> str:
    return (login or "").strip().lower()


@transaction.atomic
def exchange_account_ensure(*, login: str, password: str) -> tuple[User, bool]:
    """The dedicated exchange user: may call the exchange endpoint, sees no partner pages.

    Run again, it sets the new password (and ends nothing else): a rotation.
    """
    login = exchange_login_normalize(login)
    if not login or ":" in login:
        # HTTP Basic authentication cannot carry a login with a colon.
        raise ValueError("The login must be non-empty and without a colon.")
    user, created = User.objects.get_or_create(
        email=login,
        defaults={"full_name": "1C exchange", "is_staff": False, "partner": None},
    )
    if user.partner_id is not None or user.is_staff or user.is_superuser:
        raise ValueError("That login belongs to a person; choose another for the exchange.")
    user.set_password(password)
    user.is_active = True
    user.save()
    user.user_permissions.add(
        Permission.objects.get(codename="use_exchange", content_type__app_label="exchange")
    )
    return user, created


def exchange_user_may(user: User) -> bool:
    return user.is_active and user.has_perm("exchange.use_exchange")


class Refused(Exception):
    """Wrong login or password (or no right to exchange); `delay` seconds were spent."""

    def __init__(self, delay: float):
        super().__init__(delay)
        self.delay = delay


def exchange_authenticate(*, login: str, password: str, remote_addr: str | None) -> User:
    """The exchange user for these Basic credentials, or Refused.

    The password is always checked, so the right one always passes, whatever happened before.
    A wrong one is counted per address; past KABINET_EXCHANGE_AUTH_FREE failures each further
    wrong answer comes only after a delay that doubles with every failure (from
    KABINET_EXCHANGE_AUTH_DELAY up to KABINET_EXCHANGE_AUTH_DELAY_MAX seconds), which makes
    guessing slow without ever locking the account. An unknown login costs the same password
    hashing as a known one, so the timing does not tell whether a login exists.
    """
    user = User.objects.filter(email=exchange_login_normalize(login)).first()
    if user is None:
        User().set_password(password)  # the cost of a real check
    elif user.check_password(password) and exchange_user_may(user):
        cache.delete(_failures_key(remote_addr))
        return user
    delay = _failure_delay(_failure_count(remote_addr))
    if delay:
        time.sleep(delay)
    raise Refused(delay)


def _failures_key(remote_addr: str | None) -> str:
    return f"exchange-auth-failures:{remote_addr or '-'}"


def _failure_count(remote_addr: str | None) -> int:
    key = _failures_key(remote_addr)
    cache.add(key, 0, FAILURE_MEMORY)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FAILURE_MEMORY)
        count = 1
    cache.touch(key, FAILURE_MEMORY)
    return count


def _failure_delay(failures: int) -> float:
    over = failures - settings.KABINET_EXCHANGE_AUTH_FREE
    if over <= 0:
        return 0.0
    ceiling = settings.KABINET_EXCHANGE_AUTH_DELAY_MAX
    base = settings.KABINET_EXCHANGE_AUTH_DELAY
    if base <= 0:
        return 0.0
    # Doubling from the base, stopping at the ceiling (without computing huge powers).
    if over - 1 >= math.log2(max(ceiling / base, 1)) + 1:
        return float(ceiling)
    return float(min(base * 2 ** (over - 1), ceiling))
