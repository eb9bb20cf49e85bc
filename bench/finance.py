"""Server time of the finance pages and of the ERP's payment upsert on the size-L database.

The pages are measured as bench/run.py measures the partner pages (same client, settings,
warm-up and figures), for a user with the finance section of the partner with the most
payments: F1, the payments report over two years (grouped by counterparty or agreement, with
and without a counterparty filter); F2, payment documents (pages, number search); F4, the
payment calendar. Target: p95 ≤ 100 ms. Then J2: one call of 10,000 payments to
`POST /api/erp/v1/payments` — new rows, then the same call again (all "unchanged"), then with
every amount changed — target ≤ 3 s a call. The upserted payments are deleted afterwards
(a DELETE by ext_id in the same API), so the database is left as it was.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kabinet_bench
    python bench/generate_l.py --finance-only     # once, if the L database has no payments
    python bench/finance.py
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import run
from kabinet.accounts.models import Counterparty, Section, User
from kabinet.api.erp import RESOURCE_NAMES
from kabinet.api.models import ApiToken
from kabinet.api.services import api_token_create
from kabinet.finance.models import Payment, ScheduleItem

UPSERT_ITEMS = 10_000


def finance_user() -> run.Bench:
    heavy = Payment.objects.values("partner_id").annotate(n=Count("pk")).order_by("-n").first()
    if heavy is None:
        sys.exit("No payments: run bench/generate_l.py --finance-only first.")
    users = User.objects.filter(partner_id=heavy["partner_id"], is_active=True).order_by("pk")
    user = next((u for u in users if Section.FINANCE in (u.sections or [])), None)
    if user is None:
        sys.exit("The partner with the most payments has no user with the finance section.")
    client = Client()
    client.force_login(user)
    schedule = ScheduleItem.objects.filter(partner_id=user.partner_id).count()
    print(
        f"User {user.email} of «{user.partner.name}»: {heavy['n']:,} payments, "
        f"{schedule:,} schedule lines."
    )
    return run.Bench(user=user, agreement=None, client=client, rng=random.Random(1))  # type: ignore[arg-type]


def _counterparties(bench: run.Bench) -> list[int]:
    return list(
        Counterparty.objects.filter(partner_id=bench.user.partner_id).values_list("pk", flat=True)
    )


@run.scenario("F1", "payments report, two years", "finance:report")
def payment_report(bench: run.Bench, count: int) -> list[run.Request]:
    url, rng = reverse("finance:report"), bench.rng
    counterparties = _counterparties(bench)
    today = timezone.localdate()
    period = {"date_from": (today - datetime.timedelta(days=730)).isoformat()}
    period["date_to"] = today.isoformat()
    kinds = [
        ("by counterparty", lambda: {**period, "group_by": "counterparty"}),
        ("by agreement", lambda: {**period, "group_by": "agreement"}),
        (
            "a counterparty, by agreement",
            lambda: {**period, "group_by": "agreement", "counterparty": rng.choice(counterparties)},
        ),
        ("default period (this year)", lambda: {}),
    ]
    return [run._cycle(kinds, i, url) for i in range(count)]


@run.scenario("F2", "payment documents: pages, number search", "finance:payments")
def payment_documents(bench: run.Bench, count: int) -> list[run.Request]:
    url, rng = reverse("finance:payments"), bench.rng
    numbers = list(
        Payment.objects.filter(partner_id=bench.user.partner_id).values_list("number", flat=True)[
            :50
        ]
    )
    kinds = [
        ("pages 1–20", lambda: {"page": rng.randint(1, 20)}),
        ("number search", lambda: {"number": rng.choice(numbers)}),
    ]
    return [run._cycle(kinds, i, url) for i in range(count)]


@run.scenario("F4", "payment calendar with credit per agreement", "finance:calendar")
def payment_calendar(bench: run.Bench, count: int) -> list[run.Request]:
    url, rng = reverse("finance:calendar"), bench.rng
    counterparties = _counterparties(bench)
    kinds = [
        ("every counterparty", lambda: {}),
        ("a counterparty", lambda: {"counterparty": rng.choice(counterparties)}),
    ]
    return [run._cycle(kinds, i, url) for i in range(count)]


def upsert_measure(bench: run.Bench) -> list[str]:
    """Three 10,000-payment calls (new, replayed, changed), then the rows deleted."""
    issued = api_token_create(
        name=f"bench-{time.time_ns()}", resources=["payments"], known=RESOURCE_NAMES
    )
    client = Client(headers={"Authorization": f"Bearer {issued.key}"})
    counterparties = list(
        Counterparty.objects.filter(partner_id=bench.user.partner_id).values_list(
            "ext_id", flat=True
        )
    )
    rng = random.Random(7)
    today = timezone.localdate()
    tag = f"bench-{time.time_ns()}"
    items = [
        {
            "ext_id": f"{tag}-{n}",
            "number": str(rng.randint(1, 99_999)),
            "date": (today - datetime.timedelta(days=rng.randint(0, 700))).isoformat(),
            "counterparty_ext_id": rng.choice(counterparties),
            "purpose": f"Оплата по счёту № {rng.randint(100, 99_999)}, в т.ч. НДС 20%",
            "amount": f"{Decimal(rng.randint(100_00, 500_000_00)) / 100}",
        }
        for n in range(UPSERT_ITEMS)
    ]
    url = "/api/erp/v1/payments"
    lines = []
    try:
        for label, body in (
            ("10,000 new payments", items),
            ("the same call again", items),
            (
                "10,000 amounts changed",
                [{**i, "amount": f"{Decimal(i['amount']) + 1}"} for i in items],
            ),
        ):
            payload = json.dumps({"items": body})
            started = time.perf_counter()
            response = client.post(url, payload, content_type="application/json")
            elapsed = time.perf_counter() - started
            answer = response.json()
            counts = {k: answer.get(k) for k in ("created", "updated", "unchanged")}
            lines.append(
                f"| J2 | {label} | {response.status_code} | {elapsed:.2f} s | {counts} | "
                f"load {os.getloadavg()[0]:.1f} |"
            )
            print(lines[-1], flush=True)
        deleted = [item["ext_id"] for item in items]
        client.post(url, json.dumps({"deleted": deleted}), content_type="application/json")
    finally:
        ApiToken.objects.filter(pk=issued.token.pk).delete()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-upsert", action="store_true")
    parser.add_argument("--only", nargs="*", help="scenario ids, e.g. F1 F4")
    args = parser.parse_args()
    run.static_files_ready()
    print(run.machine())
    bench = finance_user()
    print("\n| id | scenario | n | p50 ms | p95 ms | max ms | CPU p50 ms | queries | statuses |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for item in run.SCENARIOS:
        if not item.id.startswith("F") or (args.only and item.id not in args.only):
            continue
        requests = item.requests(bench, args.warmup + args.requests)
        r = run.measure(bench, requests, args.warmup, args.requests)
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(r["statuses"].items()))
        statuses += f"; load {os.getloadavg()[0]:.1f}"
        print(run.row(item.id, item.title, r["all"], statuses), flush=True)
        for label, part in r["labels"].items():
            print(run.row("", f"· {label}", part), flush=True)
    if not args.no_upsert:
        print("\n| id | call | status | time | counts | load |")
        print("| --- | --- | --- | --- | --- | --- |")
        upsert_measure(bench)


if __name__ == "__main__":
    main()
