from kabinet.accounts.models import Counterparty
from kabinet.accounts.selectors import counterparty_list

SESSION_KEY = "counterparty_id"


def current_counterparty(request) -> Counterparty | None:
    """The counterparty the user acts for now: the one chosen in the switcher, else the first."""
    if hasattr(request, "_current_counterparty"):
        return request._current_counterparty
    counterparties = counterparty_list(request.scope)
    chosen = request.session.get(SESSION_KEY)
    current = next((c for c in counterparties if c.pk == chosen), None)
    if current is None and counterparties:
        current = counterparties[0]
    request._current_counterparty = current
    request._counterparties = counterparties
    return current


def counterparties_for_switcher(request) -> list[Counterparty]:
    current_counterparty(request)
    return request._counterparties
