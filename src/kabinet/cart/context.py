"""The mini-cart badge for the page header (template "cart/mini.html").

Either include the template with this context — `{% include "cart/mini.html" %}` after
`context.update(mini_cart_context(request))` — or include it without: it then loads itself
with htmx from `cart:mini` once the page is shown, which keeps its queries off every page.
"""

from kabinet.cart.selectors import CartTotals, cart_summary, cart_working
from kabinet.web.selectors import current_agreement


def mini_cart_context(request) -> dict:
    """{"mini_cart": CartTotals} for the user's working cart (empty totals without one)."""
    scope = getattr(request, "scope", None)
    if scope is None:
        return {}
    agreement = current_agreement(request)
    if agreement is None:
        return {"mini_cart": CartTotals()}
    cart = cart_working(scope=scope, counterparty=agreement.counterparty, agreement=agreement)
    return {"mini_cart": cart_summary(scope=scope, cart=cart)}
