"""Generate the size-L data set (PERFORMANCE.md) on PostgreSQL, in minutes.

100,000 SKUs (products with colour/size variants), 1,000 partners, 2,000 counterparties,
3,000 agreements, 20 price types (+ partner-specific prices for 10% of partners), 5 warehouses,
100,000 orders with 1,000,000 lines over three years; the ERP's finance: ~150,000 payments and
~300,000 payment schedule lines over two years, a debt per agreement. The catalog, the order
history and the finance come from the demo generators (`kabinet.demo.catalog`,
`kabinet.demo.orders_history`, `kabinet.demo.finance`), which plan
rows with ids chosen up front; here they go in with COPY instead of bulk inserts. Everything is
one transaction, then VACUUM ANALYZE.

    createdb -h 127.0.0.1 -U postgres kabinet_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kabinet_bench
    kabinet migrate
    python bench/generate_l.py            # refuses a database that already has partners
    python bench/generate_l.py --finance-only   # adds the finance to an L database without it
    python bench/generate_l.py --no-catalog     # partners and finance only (for bench/finance.py)

Prints the time and row count of every table.
"""

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterable
from decimal import Decimal

import django

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("DATABASE_URL must point at PostgreSQL (e.g. .../kabinet_bench); SQLite is refused.")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import JSONField, Model  # noqa: E402
from django.utils import timezone  # noqa: E402

from kabinet.accounts.models import (  # noqa: E402
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    Section,
    User,
)
from kabinet.catalog.models import Product  # noqa: E402
from kabinet.catalog.services import product_search_text_refresh  # noqa: E402
from kabinet.core.money import money  # noqa: E402
from kabinet.demo import names  # noqa: E402
from kabinet.demo.bulk import Table, last_id, sequences_reset  # noqa: E402
from kabinet.demo.catalog import (  # noqa: E402
    ID_MODELS,
    catalog_plan,
    catalog_tables,
    price_factor,
    warehouses_ensure,
)
from kabinet.demo.finance import agreements_load, finance_plan  # noqa: E402
from kabinet.demo.generator import DEMO_PASSWORD, PRICE_TYPES, inn_legal  # noqa: E402
from kabinet.demo.orders_history import buyers_load, orders_plan, skus_load  # noqa: E402
from kabinet.demo.orders_history.plan import ID_MODELS as ORDER_ID_MODELS  # noqa: E402
from kabinet.finance.models import Payment  # noqa: E402
from kabinet.pricing.models import PartnerPrice, PriceType  # noqa: E402

MORE_PRICE_TYPES = [
    "Дилерская",
    "Госзакупки",
    "Аптечные сети",
    "Частные клиники",
    "Стоматологии",
    "Лаборатории",
    "Ветеринария",
    "Региональная Урал",
    "Региональная Сибирь",
    "Региональная Юг",
    "Региональная Поволжье",
    "Региональная Северо-Запад",
    "Акционная",
    "VIP",
    "Тендерная",
    "Маркетплейсы",
    "Сотрудники",
]
TIMINGS: list[tuple[str, int, float]] = []


def timed(label: str, rows: int, started: float) -> None:
    seconds = time.perf_counter() - started
    TIMINGS.append((label, rows, seconds))
    rate = f"{rows / seconds:>10,.0f} rows/s" if rows and seconds else ""
    print(f"  {label:28} {rows:>10,} rows {seconds:8.1f} s {rate}", flush=True)


def copy_rows(model: type[Model], fields: list[str], rows: Iterable) -> int:
    """COPY rows into the model's table; columns not given get the model's defaults."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    now = timezone.now()
    rest, defaults = [], []
    for field in meta.concrete_fields:
        if field.attname in fields or field.primary_key:
            continue
        rest.append(field)
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        defaults.append(now if auto else field.get_default())
    columns = given + rest
    json_at = [i for i, field in enumerate(columns) if isinstance(field, JSONField)]
    names_sql = ", ".join(connection.ops.quote_name(field.column) for field in columns)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({names_sql}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            values = [*row, *defaults]
            for i in json_at:
                values[i] = json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)
            count += 1
    return count


def copy_tables(tables: list[Table], counts: dict[str, int] | None = None) -> None:
    for model, fields, rows in tables:
        started = time.perf_counter()
        rows_written = copy_rows(model, fields, rows)
        if counts is None:
            timed(model._meta.db_table, rows_written, started)
        else:
            counts[model._meta.db_table] = counts.get(model._meta.db_table, 0) + rows_written


def accounts_write(rng: random.Random, args) -> list[int]:
    """Price types, staff, partners, counterparties, agreements, addresses and their users."""
    started = time.perf_counter()
    price_types = [PriceType(ext_id=ext_id, name=name) for ext_id, name in PRICE_TYPES]
    price_types += [
        PriceType(ext_id=f"pt-{i + 4}", name=name)
        for i, name in enumerate(MORE_PRICE_TYPES[: args.price_types - len(price_types)])
    ]
    price_types = PriceType.objects.bulk_create(price_types)
    password = make_password(DEMO_PASSWORD)
    managers = User.objects.bulk_create(
        User(
            email=f"manager{i}@l.kabinet",
            is_staff=True,
            password=password,
            full_name=f"{rng.choice(names.LAST_NAMES_F)} {rng.choice(names.FIRST_NAMES[:8])}",
        )
        for i in range(1, 11)
    )
    partners = Partner.objects.bulk_create(
        Partner(
            ext_id=f"partner-{i:05d}",
            manager=managers[i % len(managers)],
            name=f"{names.PARTNER_KINDS[i % 8][0]} «{names.PARTNER_NAMES[i % 30]}» {i}",
        )
        for i in range(1, args.partners + 1)
    )
    heads = [
        Counterparty(
            ext_id=f"cp-{p.pk}-0",
            partner=p,
            name=p.name.replace(p.name.split(" «")[0], "ООО"),
            inn=inn_legal(rng, names.CITIES[i % 16][1]),
            kpp=f"{names.CITIES[i % 16][1]}0101001",
        )
        for i, p in enumerate(partners)
    ]
    heads = Counterparty.objects.bulk_create(heads)
    subsidiaries = []
    for n in range(args.counterparties - len(heads)):
        head = rng.choice(heads)
        city, region = rng.choice(names.CITIES)
        subsidiaries.append(
            Counterparty(
                ext_id=f"cp-{head.partner_id}-{n + 1}",
                partner_id=head.partner_id,
                parent=head,
                name=f"{head.name[:-1]}-{city}»",
                inn=inn_legal(rng, region),
                kpp=f"{region}0101001",
                legal_address=f"г. {city}, {rng.choice(names.STREETS)}, д. {rng.randint(1, 180)}",
            )
        )
    counterparties = heads + Counterparty.objects.bulk_create(subsidiaries, batch_size=2000)
    # Most agreements are on the first few price types, as in life.
    weights = [1 / (i + 1) for i in range(len(price_types))]
    agreements = [
        Agreement(
            ext_id=f"ag-{i}",
            counterparty=counterparty,
            name=f"Договор поставки № {rng.randint(100, 999)}/{rng.randint(22, 26)}",
            number=f"ДП-{rng.randint(1000, 9999)}",
            price_type=rng.choices(price_types, weights)[0],
            payment_deferral_days=rng.choice([0, 14, 30, 45, 60]),
            credit_limit=Decimal(rng.choice([0, 300_000, 1_000_000, 5_000_000])),
        )
        for i, counterparty in enumerate(
            counterparties
            + [rng.choice(counterparties) for _ in range(args.agreements - len(counterparties))]
        )
    ]
    Agreement.objects.bulk_create(agreements, batch_size=2000)
    addresses = [
        DeliveryAddress(
            ext_id=f"addr-{c.pk}-{n}",
            counterparty=c,
            address=f"г. {rng.choice(names.CITIES)[0]}, {rng.choice(names.STREETS)}, д. {n + 1}",
        )
        for c in counterparties
        for n in range(rng.randint(1, 2))
    ]
    DeliveryAddress.objects.bulk_create(addresses, batch_size=2000)
    users = []
    for p in partners:
        users.append(
            User(
                email=f"admin{p.pk}@partner.l",
                partner=p,
                sections=ALL_SECTIONS,
                password=password,
                full_name="Директор",
            )
        )
        users.append(
            User(
                email=f"buyer{p.pk}@partner.l",
                partner=p,
                password=password,
                sections=[Section.CATALOG, Section.ORDERS],
                full_name="Закупщик",
            )
        )
    User.objects.bulk_create(users, batch_size=2000)
    rows = len(partners) + len(counterparties) + len(agreements) + len(addresses) + len(users)
    timed(
        f"accounts ({len(partners)} partners, {len(counterparties)} cps, {len(agreements)} ags)",
        rows,
        started,
    )
    return [pt.pk for pt in price_types]


def catalog_write(rng: random.Random, args, price_type_ids: list[int]):
    started = time.perf_counter()
    plan = catalog_plan(rng, skus=args.skus, sections=150)
    timed(f"catalog plan ({len(plan.products):,} products)", args.skus, started)
    after = {model: last_id(model) for model in ID_MODELS}
    tables = catalog_tables(
        plan,
        after=after,
        price_type_ids=price_type_ids,
        warehouse_ids=warehouses_ensure(5),
        rng=rng,
    )
    copy_tables(tables)
    started = time.perf_counter()
    first = after[Product] + 1
    written = product_search_text_refresh(range(first, first + len(plan.products)))
    timed("product search_text refresh", written, started)
    base = {}
    variant_id = after[ID_MODELS[-1]]
    for product in plan.products:
        for variant in product.variants:
            variant_id += 1
            base[variant_id] = variant.base_price
    return base


def partner_prices_write(rng: random.Random, base: dict[int, Decimal]) -> dict:
    """Own prices for every tenth partner: 1,000 SKUs each, fixed amounts or discounts."""
    started = time.perf_counter()
    variant_ids = list(base)
    own = {}
    for partner_id in Partner.objects.order_by("pk").values_list("pk", flat=True)[::10]:
        for variant_id in rng.sample(variant_ids, 1000):
            if rng.random() < 0.5:
                own[(partner_id, variant_id)] = (money(base[variant_id] * Decimal("0.85")), None)
            else:
                own[(partner_id, variant_id)] = (None, Decimal(rng.randint(3, 15)))
    rows = ((p, v, amount, discount) for (p, v), (amount, discount) in own.items())
    count = copy_rows(
        PartnerPrice, ["partner_id", "variant_id", "amount", "discount_percent"], rows
    )
    timed("pricing_partnerprice", count, started)
    return own


def orders_write(rng: random.Random, args, base, own, price_type_ids: list[int]) -> None:
    started = time.perf_counter()
    skus = skus_load()
    buyers = buyers_load(skus)
    timed("orders: load SKUs and buyers", len(skus) + len(buyers), started)
    factor = {pt: price_factor(i) for i, pt in enumerate(price_type_ids)}

    def price_of(buyer, sku):
        context = buyer.context
        amount, discount = own.get((context.partner_id, sku.id), (None, None))
        return money(base[sku.id] * factor[context.price_type_id]), amount, discount

    after = {model: last_id(model) for model in ORDER_ID_MODELS}
    chunks = orders_plan(
        rng,
        buyers=buyers,
        skus=skus,
        price_of=price_of,
        after=after,
        months=args.months,
        total=args.orders,
        lines_total=args.lines,
        chunk=10_000,
    )
    planning, copying, counts = 0.0, {}, {}
    while True:
        started = time.perf_counter()
        tables = next(chunks, None)
        planning += time.perf_counter() - started
        if tables is None:
            break
        for model, fields, rows in tables:
            started = time.perf_counter()
            table = model._meta.db_table
            counts[table] = counts.get(table, 0) + copy_rows(model, fields, rows)
            copying[table] = copying.get(table, 0.0) + time.perf_counter() - started
        print(f"    … {counts['orders_order']:,} orders", flush=True)
    TIMINGS.append(("orders: plan (Python)", sum(counts.values()), planning))
    print(f"  {'orders: plan (Python)':28} {sum(counts.values()):>10,} rows {planning:8.1f} s")
    for table, rows in counts.items():
        TIMINGS.append((f"{table} (COPY)", rows, copying[table]))
        print(f"  {table + ' (COPY)':28} {rows:>10,} rows {copying[table]:8.1f} s")


def finance_write(rng: random.Random, args) -> None:
    """Payments, schedule and debts of every agreement, skewed to a few big partners."""
    started = time.perf_counter()
    agreements = agreements_load()
    plan = finance_plan(
        rng,
        agreements=agreements,
        today=timezone.localdate(),
        months=args.finance_months,
        payments=args.payments,
        schedule=args.schedule,
    )
    timed("finance: plan (Python)", len(plan.payments) + len(plan.schedule), started)
    copy_tables(plan.tables(today=timezone.localdate(), agreements=agreements))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--counterparties", type=int, default=2000)
    parser.add_argument("--agreements", type=int, default=3000)
    parser.add_argument("--price-types", type=int, default=20)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--payments", type=int, default=150_000)
    parser.add_argument("--schedule", type=int, default=300_000)
    parser.add_argument("--finance-months", type=int, default=24)
    parser.add_argument("--finance-only", action="store_true", help="add finance to an L database")
    parser.add_argument("--no-catalog", action="store_true", help="no catalog, prices or orders")
    args = parser.parse_args()
    if args.finance_only:
        if Payment.objects.exists() or not Partner.objects.exists():
            sys.exit("--finance-only needs an L database with partners and without payments.")
        started = time.perf_counter()
        with transaction.atomic():
            finance_write(random.Random(args.seed + 9), args)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"Finance added in {time.perf_counter() - started:.0f} s.")
        return
    if Partner.objects.exists():
        sys.exit(
            "The database already has partners: generate into a fresh one "
            "(dropdb/createdb kabinet_bench, kabinet migrate)."
        )
    rng = random.Random(args.seed)
    print(f"Size L into {connection.settings_dict['NAME']}:", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        # Check foreign keys row by row as COPY goes, not all at COMMIT: Django's constraints are
        # deferred, and millions of queued checks would hold memory and stall the commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        price_type_ids = accounts_write(rng, args)
        if not args.no_catalog:
            base = catalog_write(rng, args, price_type_ids)
            own = partner_prices_write(rng, base)
            orders_write(rng, args, base, own, price_type_ids)
        finance_write(random.Random(args.seed + 9), args)
        sequences_reset([*ID_MODELS, *ORDER_ID_MODELS])
        step = time.perf_counter()
    timed("COMMIT", 0, step)
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    timed("VACUUM (ANALYZE)", 0, step)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(f"Done in {time.perf_counter() - started:.0f} s; database size {size}.")


if __name__ == "__main__":
    main()
