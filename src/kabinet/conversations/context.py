"""The unread-messages counter of the header for the supplier's staff.

A partner user's counter is loaded by htmx after the page (`conversations:badge`), so partner
pages pay no query for it. Lazy: only pages that show the header run the query.
"""

from django.utils.functional import SimpleLazyObject

from kabinet.conversations import selectors


def unread_messages(request) -> dict:
    if getattr(request, "scope", None) is not None:
        return {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff and user.is_active:
        return {
            "staff_unread_messages": SimpleLazyObject(lambda: selectors.staff_unread_count(user))
        }
    return {}
