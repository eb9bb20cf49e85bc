"""The unread-messages counter of the header (a partner user's, or a staff member's).

Lazy: only pages that show the header run the query.
"""

from django.utils.functional import SimpleLazyObject

from kabinet.conversations import selectors


def unread_messages(request) -> dict:
    scope = getattr(request, "scope", None)
    if scope is not None:
        return {"unread_messages": SimpleLazyObject(lambda: selectors.unread_count(scope))}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff and user.is_active:
        return {
            "staff_unread_messages": SimpleLazyObject(lambda: selectors.staff_unread_count(user))
        }
    return {}
