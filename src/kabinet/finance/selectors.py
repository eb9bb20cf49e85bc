"""Reads of finance data. Partner pages read through a Scope; the checkout reads an
agreement's debt after it has checked the agreement is the user's."""

from kabinet.finance.models import Debt


def agreement_debt(*, agreement_id: int) -> Debt | None:
    """The ERP's last report of the agreement's debt; None when it has sent none."""
    return Debt.objects.filter(agreement_id=agreement_id).first()
