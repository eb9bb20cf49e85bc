import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from kabinet.accounts.models import Partner
from kabinet.finance.models import (
    Debt,
    Payment,
    ReconciliationRequest,
    ReconciliationStatus,
    ScheduleItem,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def finance_make(partner: Partner, *, today: datetime.date | None = None) -> dict:
    """A partner's payments, debt, schedule (overdue, today, upcoming) and two act requests."""
    today = today or timezone.localdate()
    counterparty = partner.counterparties.order_by("pk").first()
    agreement = counterparty.agreements.order_by("pk").first()
    tag = f"f{partner.pk}"  # not the partner's ext_id: the isolation walk types these into URLs
    payments = [
        Payment.objects.create(
            ext_id=f"{tag}-pay-{n}",
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            number=f"PP-{tag}-{n}",
            date=today - datetime.timedelta(days=30 * n),
            purpose=f"Payment for goods of {partner.name} #{n}",
            amount=Decimal("1000.00") * n,
        )
        for n in (1, 2)
    ]
    debt = Debt.objects.create(
        partner=partner,
        counterparty=counterparty,
        agreement=agreement,
        balance=Decimal("5000.00"),
        overdue=Decimal("1000.00"),
        as_of=today,
    )
    schedule = [
        ScheduleItem.objects.create(
            ext_id=f"{tag}-due-{offset}",
            partner=partner,
            counterparty=counterparty,
            agreement=agreement,
            document=f"Invoice {tag}/{offset} of {partner.name}",
            due_date=today + datetime.timedelta(days=offset),
            amount=Decimal("2000.00"),
            paid=Decimal("500.00"),
            remaining=Decimal("1500.00"),
        )
        for offset in (-5, 0, 10)
    ]
    pending = ReconciliationRequest.objects.create(
        partner=partner,
        counterparty=counterparty,
        period_from=today - datetime.timedelta(days=90),
        period_to=today,
    )
    ready = ReconciliationRequest(
        partner=partner,
        counterparty=counterparty,
        period_from=today - datetime.timedelta(days=365),
        period_to=today - datetime.timedelta(days=180),
        status=ReconciliationStatus.READY,
    )
    ready.act.save(f"act-{tag}.pdf", ContentFile(PDF), save=False)
    ready.save()
    return {
        "payments": payments,
        "debt": debt,
        "schedule": schedule,
        "requests": [pending, ready],
    }
