import datetime
import random

from django.db.models import F, Max, Min
from django.utils import timezone

from kabinet.accounts.models import Partner
from kabinet.demo.finance import AgreementRow, finance_plan
from kabinet.demo.generator import demo_generate
from kabinet.finance.models import Debt, Payment, ReconciliationRequest, ScheduleItem


def test_every_demo_partner_gets_two_years_of_finance(db, settings, tmp_path):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    today = timezone.localdate()

    result = demo_generate(partners=3, skus=0, months=24)

    assert result.finance is not None
    assert result.finance.payments == Payment.objects.count() > 0
    for partner in Partner.objects.all():
        dates = Payment.objects.filter(partner=partner).aggregate(
            first=Min("date"), last=Max("date")
        )
        assert dates["first"] <= today - datetime.timedelta(days=700)
        assert dates["last"] <= today
        open_items = ScheduleItem.objects.filter(partner=partner, remaining__gt=0)
        assert open_items.filter(due_date__lt=today).exists()
        assert open_items.filter(due_date=today).exists()
        assert open_items.filter(due_date__gt=today).exists()
        debts = Debt.objects.filter(partner=partner)
        assert debts.filter(balance__lte=F("agreement__credit_limit")).exists()
        assert debts.filter(balance__gt=F("agreement__credit_limit")).exists()
        requests = ReconciliationRequest.objects.filter(partner=partner)
        assert sorted(requests.values_list("status", flat=True)) == ["ready", "requested"]
        act = requests.get(status="ready").act
        with act.open("rb") as file:
            content = file.read()
        assert content.startswith(b"%PDF-")
        assert b"%%EOF" in content[-1024:]


def test_the_plan_makes_the_counts_asked_and_the_first_partner_the_largest():
    agreements = [AgreementRow(n, 100 + n // 2, 1 + n // 4, f"Ag {n}", 30) for n in range(40)]
    today = datetime.date(2026, 12, 5)

    plan = finance_plan(
        random.Random(1),
        agreements=agreements,
        today=today,
        months=24,
        payments=5000,
        schedule=9000,
    )

    assert len(plan.payments) == 5000
    assert len(plan.schedule) == 9000
    assert len({row[0] for row in plan.payments}) == 5000
    per_partner = {}
    for row in plan.payments:
        per_partner[row[1]] = per_partner.get(row[1], 0) + 1
    assert max(per_partner, key=per_partner.get) == 1
    assert all(row[9] == row[7] - row[8] for row in plan.schedule)
    assert all(0 <= row[8] <= row[7] for row in plan.schedule)
