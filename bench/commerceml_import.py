"""Benchmark the CommerceML import into PostgreSQL (PERFORMANCE.md, target P4).

Generates, with the generator of `commerceml_parse.py`, an import.xml + offers.xml shaped like a
УТ 11 export: N products (default 100,000), a third of them with 3 colour/size variants
(~167,000 offers), 3 price types, 3 warehouses; and a changes-only offers package of 10,000
offers (new prices in the 3 types, new stock in the 3 warehouses). Then, each in a fresh
process so the memory figures are the import's own, it imports through
`kabinet.exchange.importing.import_file` (the code path of the 1C exchange, one transaction
per file):

1. the full package into an empty catalog (the first load),
2. the changes-only package,
3. the full package again (everything exists: updates only, the weekly full unload).

and prints wall and CPU seconds and peak RSS per phase: `ru_maxrss` of the importing process
(getrusage RUSAGE_SELF, children excluded) and the highest RSS sampled from /proc every 0.1 s
during the import itself. PostgreSQL's own memory is not in these figures.

PostgreSQL only: the server comes from DATABASE_URL, the database is `kabinet_exchange_bench`
(dropped and created again, then `kabinet migrate`; --database to change it).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    python bench/commerceml_import.py                       # 100,000 products
    python bench/commerceml_import.py --products 10000 --dir /tmp/cml --keep
    python bench/commerceml_import.py --profile             # cProfile of the full import
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from commerceml_parse import PRICE_TYPES, WAREHOUSES, _header, generate, guid

CHANGED_OFFERS = 10_000


def generate_changes(folder: Path, products: int, count: int = CHANGED_OFFERS) -> tuple[Path, int]:
    """A changes-only offers package: `count` offers spread over the catalog, each with its 3
    prices and 3 warehouse rows changed (Ид only otherwise, as a prices+rests delta)."""
    path = folder / "changes" / "offers.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    step = max(products // count, 1)
    written = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write(
            _header(
                '<ПакетПредложений СодержитТолькоИзменения="true">'
                f"<Ид>{guid(9, 1)}#</Ид><Наименование>Пакет предложений</Наименование>"
                f"<ИдКаталога>{guid(9, 1)}</ИдКаталога><ИдКлассификатора>{guid(9, 1)}"
                "</ИдКлассификатора>\n<Предложения>\n"
            )
        )
        n = 0
        while written < count and n < products:
            variants = range(3) if n % 3 == 0 else (None,)
            for variant in variants:
                if written == count:
                    break
                out.write(_changed_offer(n, variant))
                written += 1
            n += step
        out.write("</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>\n")
    return path, written


def _changed_offer(n: int, variant: int | None) -> str:
    xml_id = guid(2, n) if variant is None else f"{guid(2, n)}#{guid(6, n * 10 + variant)}"
    prices = "".join(
        f"<Цена><ИдТипаЦены>{guid(7, k)}</ИдТипаЦены><ЦенаЗаЕдиницу>{777 + k + n % 100}.25"
        "</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена>"
        for k in range(len(PRICE_TYPES))
    )
    stock = "".join(
        f'<Склад ИдСклада="{guid(8, k)}" КоличествоНаСкладе="{(n + k) % 7 + 100}"/>'
        for k in range(len(WAREHOUSES))
    )
    return f"<Предложение><Ид>{xml_id}</Ид><Цены>{prices}</Цены>{stock}</Предложение>\n"


# --- the measured child process ------------------------------------------------------------


class _RssSampler(threading.Thread):
    """The highest resident set size seen during a phase (from /proc/self/statm)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            with open("/proc/self/statm") as statm:
                self.peak = max(self.peak, int(statm.read().split()[1]) * self.page)
            time.sleep(0.1)

    def stop(self) -> float:
        self.running = False
        self.join()
        return self.peak / 2**20


def measure(files: list[Path], profile: Path | None) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    django.setup()
    from kabinet.exchange.classifiers import classifier_merge, classifier_of
    from kabinet.exchange.importing import import_file

    result: dict = {"rss_before_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    backend = _backend_cpu_reader()
    backend_before = backend()
    sampler = _RssSampler()
    sampler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    classifiers, counts = [], {}
    for path in files:
        started = time.perf_counter()
        _kind, counts[path.name] = import_file(
            path=path, classifier=classifier_merge(classifiers), files_dir=path.parent
        )
        counts[path.name]["seconds"] = round(time.perf_counter() - started, 1)
        classifiers.append(classifier_of(path))
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    result.update(
        wall_s=time.perf_counter() - wall,
        cpu_s=time.process_time() - cpu,
        server_cpu_s=backend() - backend_before if backend_before is not None else None,
        sampled_peak_rss_mb=sampler.stop(),
        ru_maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        counts=counts,
    )
    return result


def _backend_cpu_reader():
    """CPU seconds of this connection's PostgreSQL backend (from /proc when the server runs
    on this machine; None otherwise): the database's share of the work, whatever the load."""
    from django.db import connection

    connection.ensure_connection()
    stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return read


def _database_counts() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    django.setup()
    from kabinet.catalog.models import Product, ProductProperty, Variant
    from kabinet.pricing.models import Price, Stock

    return {
        "products": Product.objects.count(),
        "active_products": Product.objects.filter(is_active=True).count(),
        "variants": Variant.objects.count(),
        "active_variants": Variant.objects.filter(is_active=True).count(),
        "property_values": ProductProperty.objects.count(),
        "prices": Price.objects.count(),
        "stock": Stock.objects.count(),
    }


# --- orchestration -------------------------------------------------------------------------


def _bench_url(database: str) -> str:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server (postgres://…)")
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _recreate(url: str, database: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    subprocess.run(
        ["kabinet", "migrate", "--verbosity", "0", "--skip-checks"],
        check=True,
        env={**os.environ, "DATABASE_URL": url},
    )


def _child(url: str, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _short(value) -> str:
    return f"[{len(value)}]" if isinstance(value, list) else str(value)


def _report(title: str, r: dict) -> None:
    files = ", ".join(
        f"{name} {c.pop('seconds')} s ({', '.join(f'{k}={_short(c[k])}' for k in sorted(c))})"
        for name, c in r["counts"].items()
    )
    server = r["server_cpu_s"]
    server = f" + {server:.1f} s CPU in the PostgreSQL backend" if server is not None else ""
    load = "/".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"{title} (load average now {load}): {r['wall_s']:.1f} s wall; "
        f"{r['cpu_s']:.1f} s CPU in the import process{server}; "
        f"peak RSS {r['ru_maxrss_mb']:.0f} MB (ru_maxrss; {r['rss_before_mb']:.0f} MB after "
        f"Django start), highest sampled {r['sampled_peak_rss_mb']:.0f} MB\n    {files}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="where to write the files (default: temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--database", default="kabinet_exchange_bench")
    parser.add_argument("--profile", action="store_true", help="cProfile the full import")
    parser.add_argument("--measure", nargs="+", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--counts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.profile_to)))
        return
    if args.counts:
        print(json.dumps(_database_counts()))
        return

    url = _bench_url(args.database)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="cml-import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        import_path, offers_path, offers = generate(folder, args.products)
        changes, changed = generate_changes(folder, args.products)
        sizes = [p.stat().st_size / 2**20 for p in (import_path, offers_path, changes)]
        print(
            f"generated {args.products:,} products / {offers:,} offers in "
            f"{time.perf_counter() - started:.0f} s: import.xml {sizes[0]:.0f} MiB + offers.xml "
            f"{sizes[1]:.0f} MiB; changes-only offers.xml {sizes[2]:.1f} MiB "
            f"({changed:,} offers)"
        )
        _recreate(url, args.database)
        print(f"database {args.database}: created and migrated")
        profile = ["--profile-to", str(folder / "import.prof")] if args.profile else []
        full = [str(import_path), str(offers_path)]
        _report("full import, empty catalog", _child(url, "--measure", *full, *profile))
        print(f"    database: {_child(url, '--counts')}")
        _report("changes-only package", _child(url, "--measure", str(changes)))
        _report("full import again (updates)", _child(url, "--measure", *full))
        print(f"    database: {_child(url, '--counts')}")
        if args.profile:
            print(f"profile: python -m pstats {folder / 'import.prof'}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
