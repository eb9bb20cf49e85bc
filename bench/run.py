"""Server time of the partner pages on the size-L database (PERFORMANCE.md P1, P2, P5).

In-process: Django's test Client sends each request through the whole stack (middleware,
session and user from the database, the view, templates) with the production settings —
DEBUG off, manifest static files — less the HTTPS redirect and secure cookies, since the
client speaks plain HTTP (CSRF checks are off too, as in any test Client). After a warm-up,
each scenario sends ≥ 200 requests over varied pages and reports the p50, p95 and max of the
time spent in Django (wall clock, PostgreSQL's work included), the median CPU time of this
process (steadier on a shared machine; PostgreSQL's work excluded) and the SQL queries per
request (counted by a connection wrapper).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kabinet_bench
    python bench/run.py                       # every scenario whose URL exists
    python bench/run.py --only P2 --requests 500

A scenario whose URL name does not resolve yet is skipped with the reason. The P2 scenarios
create (once) a 500-line working cart for the benchmark user and change its lines.
"""

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ["DEBUG"] = "0"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("STATIC_ROOT", "/tmp/kabinet-bench-static")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("DATABASE_URL must point at the size-L PostgreSQL database (see bench/README.md).")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from kabinet.accounts.models import Agreement, Section, User  # noqa: E402
from kabinet.accounts.scope import scope_for  # noqa: E402
from kabinet.catalog.models import Barcode, Product  # noqa: E402
from kabinet.catalog.models import Section as CatalogSection  # noqa: E402
from kabinet.orders.models import Order  # noqa: E402
from kabinet.pricing.models import PartnerPrice  # noqa: E402
from kabinet.web.selectors import SESSION_KEY  # noqa: E402

Request = tuple[str, str, str, dict, dict]  # label, method, path, data, headers
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Bench:
    """The benchmark user and what the scenarios pick their pages from."""

    user: User
    agreement: Agreement
    client: Client
    rng: random.Random
    cart_variants: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Scenario:
    id: str
    title: str
    url_names: tuple[str, ...]
    requests: Callable[[Bench, int], list[Request]]


SCENARIOS: list[Scenario] = []


def scenario(id_: str, title: str, *url_names: str):
    def register(function):
        SCENARIOS.append(Scenario(id_, title, url_names, function))
        return function

    return register


# --- the scenarios: each returns the requests to send (cycled if fewer than asked) -----------


@scenario("P1", "catalog list, 50 products a page, sections / pages / search", "catalog:list")
def catalog_list(bench: Bench, count: int) -> list[Request]:
    url, rng = reverse("catalog:list"), bench.rng
    sections = list(CatalogSection.objects.values_list("pk", flat=True))
    products = list(Product.objects.order_by("?").values_list("article", flat=True)[:20])
    barcodes = list(Barcode.objects.order_by("?").values_list("code", flat=True)[:20])
    words = [
        "перчатки",
        "нитриловые",
        "шприц 5 мл",
        "халат 48",
        "катетер фолея",
        "medglove",
        "маска",
        "бинт эластичный",
        "тест",
        "пробирка эдта",
    ]
    kinds = [
        ("no filter, pages 1–40", lambda: {"page": rng.randint(1, 40)}),
        (
            "a section, pages 1–3",
            lambda: {"section": rng.choice(sections), "page": rng.randint(1, 3)},
        ),
        ("search by words", lambda: {"q": rng.choice(words)}),
        ("search by article / barcode", lambda: {"q": rng.choice(products + barcodes)}),
        (
            "a section, in stock, sorted",
            lambda: {
                "section": rng.choice(sections),
                "in_stock": "1",
                "sort": rng.choice(["name", "price", "-price"]),
            },
        ),
    ]
    return [_cycle(kinds, i, url) for i in range(count)]


def _cycle(kinds, i: int, url: str) -> Request:
    label, params = kinds[i % len(kinds)]
    return (label, "get", url, params(), {})


@scenario(
    "P1s", "catalog search in Russian (issue 8): forms, variants, layout, typos", "catalog:list"
)
def catalog_search(bench: Bench, count: int) -> list[Request]:
    url, rng = reverse("catalog:list"), bench.rng
    # articles with Cyrillic letters that look Latin, typed in Latin ("СТ-00038" as "CT-00038")
    cyrillic = Product.objects.filter(article__regex=r"^[АВЕКМНОРСТХУ]{2}-").order_by("?")
    latin = [
        a.translate(str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY"))
        for a in cyrillic.values_list("article", flat=True)[:20]
    ]
    kinds = [
        (
            "word forms (маски, шприцы, перчатка…)",
            ["маски", "шприцы", "перчатка", "бинты", "иглы", "халаты"],
        ),
        (
            "with a variant (шприц 5 мл, перчатки m…)",
            ["шприц 5 мл", "перчатки нитриловые m", "шприц 10 мл", "бинт 7 м", "катетер 14 fr"],
        ),
        ("a Latin article for a Cyrillic one", latin or ["CT-00038"]),
        ("wrong keyboard layout (ighbw…)", ["ighbw", "gthxfnrb", "vfcrb", ",bYn"]),
        ("a typo: nothing as typed (перчтки…)", ["перчтки", "шприцц", "респиратр", "катетор"]),
    ]
    return [
        (label, "get", url, {"q": rng.choice(words)}, {})
        for label, words in (kinds[i % len(kinds)] for i in range(count))
    ]


@scenario("P1+", "product card (matrix, prices, stock, documents)", "catalog:product")
def product_card(bench: Bench, count: int) -> list[Request]:
    ids = Product.objects.annotate(n=Count("variants")).filter(n__gt=1).order_by("?")
    return [
        ("", "get", reverse("catalog:product", args=[pk]), {}, {})
        for pk in ids.values_list("pk", flat=True)[:count]
    ]


@scenario("P2", "change one line of a 500-line cart (htmx)", "cart:line-update")
def cart_line_update(bench: Bench, count: int) -> list[Request]:
    cart_ensure(bench)
    requests = []
    for i in range(count):
        variant_id, quantity = bench.cart_variants[i % len(bench.cart_variants)]
        quantity = quantity if (i // len(bench.cart_variants)) % 2 else str(2 * float(quantity))
        path = reverse("cart:line-update", args=[variant_id])
        requests.append(("", "post", path, {"quantity": quantity}, HTMX))
    return requests


@scenario("P2+", "the whole 500-line cart page", "cart:detail")
def cart_page(bench: Bench, count: int) -> list[Request]:
    cart_ensure(bench)
    return [("", "get", reverse("cart:detail"), {}, {})]


@scenario("P5", "order list with filters", "orders:list")
def order_list(bench: Bench, count: int) -> list[Request]:
    url, rng = reverse("orders:list"), bench.rng
    counterparties = list(bench.user.partner.counterparties.values_list("pk", flat=True))
    numbers = list(
        Order.objects.filter(partner=bench.user.partner).values_list("number", flat=True)[:50]
    )
    kinds = [
        ("no filter, pages 1–20", lambda: {"page": rng.randint(1, 20)}),
        ("a tab (drafts / in work / all)", lambda: {"tab": rng.choice(["drafts", "in_work", ""])}),
        ("a status", lambda: {"status": rng.choice(["completed", "cancelled", "shipped"])}),
        (
            "a period",
            lambda: {
                "date_from": f"{rng.choice([2024, 2025])}-0{rng.randint(1, 6)}-01",
                "date_to": "2025-09-30",
            },
        ),
        (
            "a counterparty, pages 1–3",
            lambda: {"counterparty": rng.choice(counterparties), "page": rng.randint(1, 3)},
        ),
        ("number search", lambda: {"number": rng.choice(numbers)[-6:]}),
    ]
    return [_cycle(kinds, i, url) for i in range(count)]


@scenario("P5+", "order page", "orders:detail")
def order_page(bench: Bench, count: int) -> list[Request]:
    ids = Order.objects.filter(partner=bench.user.partner).order_by("?")
    return [
        ("", "get", reverse("orders:detail", args=[pk]), {}, {})
        for pk in ids.values_list("pk", flat=True)[:count]
    ]


# --- set-up ----------------------------------------------------------------------------------


def bench_user() -> Bench:
    """The buyer of the partner with the most orders among those with their own prices."""
    own = PartnerPrice.objects.filter(partner_id=OuterRef("partner_id"))
    heavy = (
        Order.objects.filter(Exists(own))
        .values("partner_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if heavy is None:
        sys.exit("No orders with partner prices: generate the L data set first (bench/README.md).")
    user = (
        User.objects.filter(partner_id=heavy["partner_id"], is_active=True)
        .select_related("partner")
        .order_by("pk")
    )
    user = next(u for u in user if set(u.sections) == {Section.CATALOG, Section.ORDERS})
    agreement = (
        Agreement.objects.filter(counterparty__partner_id=user.partner_id, is_active=True)
        .annotate(n=Count("orders"))
        .order_by("-n", "pk")
        .select_related("counterparty")
        .first()
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = agreement.pk
    session.save()
    print(
        f"User {user.email} of «{user.partner.name}» ({heavy['n']:,} orders), "
        f"agreement {agreement.pk} (price type {agreement.price_type_id})."
    )
    return Bench(user=user, agreement=agreement, client=client, rng=random.Random(1))


def cart_ensure(bench: Bench, lines: int = 500) -> None:
    """A working cart of `lines` orderable SKUs for the user's agreement, made once."""
    from kabinet.cart.models import CartLine
    from kabinet.cart.services import cart_get_or_create, cart_lines_add
    from kabinet.pricing.selectors import orderable_variants, pricing_context

    if bench.cart_variants:
        return
    scope = scope_for(bench.user)
    cart = cart_get_or_create(
        scope=scope, counterparty=bench.agreement.counterparty, agreement=bench.agreement
    )
    if CartLine.objects.filter(cart=cart).count() < lines:
        context = pricing_context(scope=scope, agreement=bench.agreement)
        variants = (
            orderable_variants(context)
            .order_by("?")
            .values_list("pk", "product__order_multiple", "product__min_quantity")[:lines]
        )
        items = [
            (pk, max(multiple, multiple * math.ceil(minimum / multiple)))
            for pk, multiple, minimum in variants
        ]
        cart_lines_add(scope=scope, cart=cart, items=items)
    bench.cart_variants = [
        (variant_id, f"{quantity.normalize():f}")
        for variant_id, quantity in CartLine.objects.filter(cart=cart).values_list(
            "variant_id", "quantity"
        )
    ]
    print(f"  cart {cart.pk}: {len(bench.cart_variants)} lines")


def static_files_ready() -> None:
    """Manifest static files, as in production: collected once into STATIC_ROOT."""
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "-m", "kabinet.cli", "collectstatic", "--noinput", "-v0"], check=True
        )


# --- measuring -------------------------------------------------------------------------------


def url_exists(name: str) -> bool:
    for args in ((), (1,)):
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            continue
        return True
    return False


def measure(bench: Bench, requests: list[Request], warmup: int, count: int) -> dict:
    """Send warm-up then measured requests; times in ms and query counts, per label too."""
    queries = [0]

    def counter(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    samples: list[tuple[str, float, int, float]] = []
    statuses: dict[int, int] = {}
    with connection.execute_wrapper(counter):
        for i in range(warmup + count):
            label, method, path, data, headers = requests[i % len(requests)]
            queries[0] = 0
            started, cpu = time.perf_counter(), time.process_time()
            response = getattr(bench.client, method)(path, data, **headers)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if i >= warmup:
                samples.append((label, elapsed * 1000, queries[0], cpu * 1000))
    result = {"all": summary(samples), "statuses": statuses, "labels": {}}
    for label in dict.fromkeys(request[0] for request in requests if request[0]):
        result["labels"][label] = summary([s for s in samples if s[0] == label])
    return result


def summary(samples: list[tuple[str, float, int, float]]) -> dict:
    times = [sample[1] for sample in samples]
    counts = [sample[2] for sample in samples]
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=100, method="inclusive")[94]
        if len(times) > 1
        else times[0],
        "max": max(times),
        "cpu": statistics.median(sample[3] for sample in samples),
        "queries": f"{min(counts)}–{max(counts)}"
        if min(counts) != max(counts)
        else str(min(counts)),
    }


def row(id_: str, title: str, r: dict, statuses: str = "") -> str:
    return (
        f"| {id_} | {title} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
        f"{r['cpu']:.1f} | {r['queries']} | {statuses} |"
    )


def machine() -> str:
    """Date, cores, memory, CPU, PostgreSQL and database size: the header of a result."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        version, size = cursor.fetchone()
    return (
        f"{time.strftime('%Y-%m-%d %H:%M')}; {os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM; "
        f"{version.split(' on ')[0]}, database {connection.settings_dict['NAME']} ({size}); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="scenario ids, e.g. P1 P2+")
    args = parser.parse_args()
    static_files_ready()
    print(machine())
    bench = bench_user()
    print("\n| id | scenario | n | p50 ms | p95 ms | max ms | CPU p50 ms | queries | statuses |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for item in SCENARIOS:
        if args.only and item.id not in args.only:
            continue
        missing = [name for name in item.url_names if not url_exists(name)]
        if missing:
            print(
                f"| {item.id} | {item.title} | skipped: URL name {', '.join(missing)} "
                "does not resolve yet |"
            )
            continue
        requests = item.requests(bench, args.warmup + args.requests)
        r = measure(bench, requests, args.warmup, args.requests)
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(r["statuses"].items()))
        statuses += f"; load {os.getloadavg()[0]:.1f}"
        print(row(item.id, item.title, r["all"], statuses), flush=True)
        for label, part in r["labels"].items():
            print(row("", f"· {label}", part), flush=True)


if __name__ == "__main__":
    main()
