"""View decorators that declare who may open a route.

Every view of the project carries an `access` mark set by one of these (or is Django's own
admin, auth or i18n view). The cross-partner isolation test walks the URL resolver and fails on
a route without a mark, so a new page cannot silently skip the rule of access.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from kabinet.accounts.scope import scope_for

PUBLIC = "public"
PARTNER = "partner"
MACHINE = "machine"
STAFF = "staff"


def partner_view(section: str | None = None):
    """A page of the partner portal: logged-in partner user, with `section` when given.

    Puts the user's Scope on `request.scope`. Staff and users of blocked partners get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_for(request.user)
            if scope is None:
                raise PermissionDenied
            request.scope = scope  # set first, so that even the 403 page shows the menu
            if section is not None:
                scope.require(section)
            return view(request, *args, **kwargs)

        wrapper.access = (PARTNER, section)
        return wrapper

    return decorator


def staff_view(view):
    """A page of the supplier's staff (not the Django admin): logged-in active staff only.

    Partner users get 403. Which partners a staff member may see is decided by the app's
    selectors (a manager: their own partners; a supplier administrator: all).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.access = (STAFF, None)
    return wrapper


def public_view(view):
    """A page anyone may open (login, password reset). It must show no partner data."""
    view.access = (PUBLIC, None)
    return view


def machine_view(view):
    """An endpoint for a machine client (1C) with its own authentication; no partner data."""
    view.access = (MACHINE, None)
    return view
