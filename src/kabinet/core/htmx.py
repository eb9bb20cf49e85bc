"""Pages that answer htmx with a fragment of themselves, and the browser history.

A filtered list pushes its address (`hx-push-url`), so the same address answers two ways: the
whole page, and a fragment for htmx. Back and reload load that address again, from the
browser's cache or from htmx (a history-restore request, sent with `HX-Request` too), and both
must get the whole page. Hence: a fragment only for an htmx swap aimed at it, and
`Vary: HX-Request` so no cache hands the fragment to a plain page load.
"""

from django.utils.cache import patch_vary_headers

VARY = ("HX-Request", "HX-History-Restore-Request", "HX-Target")


def wants_fragment(request, *, target: str | None = None) -> bool:
    """True for an htmx swap (aimed at `target` when given); False for a page load, a
    history restore and a boosted navigation, which all need the whole page."""
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.history_restore_request or htmx.boosted:
        return False
    return target is None or htmx.target == target


def vary_on_htmx(response):
    """Mark a response whose body depends on the htmx headers (see the module docstring)."""
    patch_vary_headers(response, VARY)
    return response
