"""Benchmark of the personal price list (B8): time and memory at 5,000 and 100,000 SKUs.

Not part of the test run (pytest collects test_*.py only). It fills its own database, so point
it at a scratch one:

    SQLITE_PATH=/tmp/bench.sqlite3 python -m kabinet.pricing.tests.bench_price_list 5000 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kabinet_bench \\
        python -m kabinet.pricing.tests.bench_price_list 5000 100000

For each size it prints the seconds to write the workbook, the peak of Python allocations
during the write (tracemalloc, a second run) and the file size.
"""

import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal

import django

CHUNK = 5000


def _fill(variants: int):
    from kabinet.accounts.tests.factories import (
        AgreementFactory,
        CounterpartyFactory,
        PartnerFactory,
        UserFactory,
    )
    from kabinet.catalog.models import Barcode, Product, Section, Variant
    from kabinet.pricing.models import Price, Stock, Warehouse

    partner = PartnerFactory()
    agreement = AgreementFactory(counterparty=CounterpartyFactory(partner=partner))
    user = UserFactory(partner=partner)
    sections = Section.objects.bulk_create(Section(name=f"Section {n}") for n in range(50))
    warehouses = Warehouse.objects.bulk_create(Warehouse(name=f"Warehouse {n}") for n in range(5))
    per_product = 5
    for start in range(0, variants // per_product, CHUNK):
        count = min(CHUNK, variants // per_product - start)
        products = Product.objects.bulk_create(
            Product(
                section=sections[(start + n) % len(sections)],
                name=f"Перчатки смотровые {start + n}",
                article=f"ART-{start + n:07d}",
                erp_code=f"{start + n:09d}",
                vat_rate=Decimal("10.00"),
            )
            for n in range(count)
        )
        skus = Variant.objects.bulk_create(
            Variant(product=p, name=size, size=size, sort=s)
            for p in products
            for s, size in enumerate(["XS", "S", "M", "L", "XL"][:per_product])
        )
        Price.objects.bulk_create(
            Price(price_type_id=agreement.price_type_id, variant=v, amount=Decimal("123.45"))
            for v in skus
        )
        Stock.objects.bulk_create(
            Stock(variant=v, warehouse=warehouses[v.pk % 5], quantity=Decimal(v.pk % 40))
            for v in skus
        )
        Barcode.objects.bulk_create(Barcode(variant=v, code=f"46{v.pk:011d}") for v in skus)
    agreement = (
        type(agreement).objects.select_related("counterparty", "price_type").get(pk=agreement.pk)
    )
    return user, agreement


def _write(scope, agreement) -> tuple[int, int]:
    from kabinet.pricing.pricelist import price_list_write

    with tempfile.TemporaryFile() as output:
        rows = price_list_write(scope=scope, agreement=agreement, output=output)
        return rows, output.tell()


def main(sizes: list[int]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kabinet.accounts.scope import scope_for

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    for size in sizes:
        call_command("flush", interactive=False, verbosity=0)
        user, agreement = _fill(size)
        scope = scope_for(user)
        started = time.perf_counter()
        rows, size_bytes = _write(scope, agreement)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        _write(scope, agreement)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{rows:>7} SKUs: {seconds:6.2f} s, peak Python allocations {peak / 2**20:6.1f} MiB, "
            f"file {size_bytes / 2**20:5.1f} MiB"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5000, 100000])
