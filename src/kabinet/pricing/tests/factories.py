from kabinet.accounts.models import Agreement, User
from kabinet.accounts.scope import scope_for
from kabinet.pricing.models import PriceList
from kabinet.pricing.services import price_list_request


def price_list_make(partner) -> PriceList:
    """A built price list of the partner's first agreement, made by the real service (a small
    assortment is built at once)."""
    user = User.objects.filter(partner=partner, is_active=True).order_by("pk").first()
    agreement = (
        Agreement.objects.filter(counterparty__partner=partner, is_active=True)
        .select_related("price_type", "counterparty")
        .order_by("pk")
        .first()
    )
    return price_list_request(scope=scope_for(user), agreement=agreement)
