"""The unread-notifications badge of the header.

Add `"kabinet.comms.context.notifications"` to the template context processors and
`{% include "comms/badge.html" %}` to the header: the badge shows the count and refreshes
itself every minute (`comms:badge`).
"""

from django.utils.functional import SimpleLazyObject

from kabinet.comms.selectors import unread_count


def notifications(request) -> dict:
    scope = getattr(request, "scope", None)
    if scope is None:
        return {}
    # Lazy: only pages that show the badge count (not htmx fragments) run the query.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(scope))}
