"""Which counterparty and agreement the user acts for now (kept in the session)."""

from kabinet.accounts.models import Agreement, Counterparty
from kabinet.accounts.selectors import counterparty_list

SESSION_KEY = "agreement_id"


def _resolve(request) -> None:
    if hasattr(request, "_acting"):
        return
    counterparties = counterparty_list(request.scope)
    agreements = list(
        Agreement.objects.filter(counterparty__in=[c.pk for c in counterparties], is_active=True)
        .select_related("price_type")
        .order_by("name", "pk")
    )
    by_counterparty: dict[int, list[Agreement]] = {}
    for agreement in agreements:
        by_counterparty.setdefault(agreement.counterparty_id, []).append(agreement)
    for counterparty in counterparties:
        counterparty.active_agreements = by_counterparty.get(counterparty.pk, [])
        for agreement in counterparty.active_agreements:
            agreement.counterparty = counterparty  # spare a query per agreement
    chosen = request.session.get(SESSION_KEY)
    agreement = next((a for a in agreements if a.pk == chosen), None)
    if agreement is None:
        agreement = next(
            (c.active_agreements[0] for c in counterparties if c.active_agreements), None
        )
    counterparty = agreement.counterparty if agreement else (counterparties or [None])[0]
    request._acting = (counterparties, counterparty, agreement)


def counterparties_for_switcher(request) -> list[Counterparty]:
    """The user's counterparties, each with `active_agreements`, heads before subsidiaries."""
    _resolve(request)
    return request._acting[0]


def current_counterparty(request) -> Counterparty | None:
    _resolve(request)
    return request._acting[1]


def current_agreement(request) -> Agreement | None:
    """The agreement whose prices and assortment the user sees (None: the user has none)."""
    _resolve(request)
    return request._acting[2]
