"""A partner's finance data sent through the real ERP services (as the API would)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from kabinet.accounts.models import Partner
from kabinet.finance.services import debts_upsert, payments_upsert, schedule_upsert


def payments_send(partner: Partner, rows: list[tuple]) -> None:
    """rows: (ext_id, counterparty index, agreement? , number, date, amount)."""
    counterparties = list(partner.counterparties.order_by("pk"))
    items = []
    for ext_id, index, with_agreement, number, date, amount in rows:
        counterparty = counterparties[index]
        agreement = counterparty.agreements.order_by("pk").first() if with_agreement else None
        items.append(
            SimpleNamespace(
                ext_id=ext_id,
                counterparty_ext_id=counterparty.ext_id,
                agreement_ext_id=agreement.ext_id if agreement else None,
                number=number,
                date=date,
                purpose=f"Payment {number} for goods",
                amount=Decimal(amount),
                currency="RUB",
            )
        )
    payments_upsert(items=items, deleted=[])


def schedule_send(partner: Partner, rows: list[tuple]) -> None:
    """rows: (ext_id, counterparty index, document, due date, amount, paid)."""
    counterparties = list(partner.counterparties.order_by("pk"))
    items = []
    for ext_id, index, document, due, amount, paid in rows:
        counterparty = counterparties[index]
        items.append(
            SimpleNamespace(
                ext_id=ext_id,
                counterparty_ext_id=counterparty.ext_id,
                agreement_ext_id=counterparty.agreements.order_by("pk").first().ext_id,
                document=document,
                document_date=due - datetime.timedelta(days=30),
                due_date=due,
                amount=Decimal(amount),
                paid=Decimal(paid),
                remaining=None,
                currency="RUB",
            )
        )
    schedule_upsert(items=items, deleted=[])


def debt_send(agreement, *, balance: str, overdue: str, as_of: datetime.date) -> None:
    item = SimpleNamespace(
        agreement_ext_id=agreement.ext_id,
        balance=Decimal(balance),
        overdue=Decimal(overdue),
        as_of=as_of,
        currency="RUB",
    )
    debts_upsert(items=[item], deleted=[])
