"""What the cart pages act on: the user's working cart for the agreement they act for."""

from django.core.exceptions import ValidationError

from kabinet.cart import selectors, services
from kabinet.cart.models import Cart
from kabinet.web.selectors import current_agreement


def working_cart(request) -> Cart | None:
    """The user's working cart for the agreement they act for (unsaved if none yet), or None."""
    agreement = current_agreement(request)
    if agreement is None:
        return None
    return selectors.cart_working(
        scope=request.scope, counterparty=agreement.counterparty, agreement=agreement
    )


def working_cart_for_change(request) -> Cart:
    """The working cart, created if need be, for a change (ValidationError: no agreement)."""
    agreement = current_agreement(request)
    if agreement is None:
        raise ValidationError(services.NO_AGREEMENT)
    return services.cart_get_or_create(
        scope=request.scope, counterparty=agreement.counterparty, agreement=agreement
    )
