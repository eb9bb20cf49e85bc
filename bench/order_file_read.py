"""Benchmark reading a quick-order file (PERFORMANCE.md, target P3: the parse part).

Writes order-shaped XLSX files (a title block, then "№ / Артикул / Штрихкод / Наименование /
Кол-во / Ед. / Цена / Сумма", then a total line) with 10,000 and 100,000 rows. Then, in a fresh
process per file so the figures are the reader's own, it times `read_table` (sniffing, the zip
checks, python-calamine in its child process) + `propose_mapping` + `extract_rows`, and prints
the median and spread of the runs (wall clock, and CPU of the process and its child: on a
shared machine CPU is the steadier figure) and the peak RSS of the process and of its child.

    python bench/order_file_read.py                     # 10,000 and 100,000 rows, 5 runs each
    python bench/order_file_read.py --rows 10000 --runs 20
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_order(path: Path, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Заказ")
    sheet.write_string(0, 0, "Заказ поставщику № 123 от 5 мая 2024 г.")
    sheet.write_string(2, 0, "Покупатель: ООО «Аптека Альфа», ИНН 7702345678, Тверь, пр. Мира, 5")
    header = ["№", "Артикул", "Штрихкод", "Наименование", "Кол-во", "Ед.", "Цена", "Сумма"]
    sheet.write_row(4, 0, header)
    for n in range(1, rows + 1):
        quantity, price = n % 48 + 1, round(10 + n % 997 * 1.37, 2)
        sheet.write_number(4 + n, 0, n)
        sheet.write_string(4 + n, 1, f"АРТ-{n:06d}")
        sheet.write_number(4 + n, 2, 4600000000000 + n)
        sheet.write_string(4 + n, 3, f"Товар номер {n}, упаковка {n % 12 + 1} шт., серия {n % 97}")
        sheet.write_number(4 + n, 4, quantity)
        sheet.write_string(4 + n, 5, "шт")
        sheet.write_number(4 + n, 6, price)
        sheet.write_number(4 + n, 7, round(quantity * price, 2))
    sheet.write_string(rows + 5, 3, "Итого")
    workbook.close()


def measure(path: Path, runs: int) -> dict:
    """Runs in the fresh process: times each run, then reports peak RSS."""
    sys.path[:0] = [str(ROOT / "src")]
    from kabinet.imports.reading import (
        ReadLimits,
        extract_rows,
        propose_mapping,
        read_table,
        spreadsheet,
    )

    # The default limit is 100,000 rows in all: the 100,000-row file has a title and a header
    # on top, so the benchmark allows more.
    limits = ReadLimits(max_rows=200_000)
    data = path.read_bytes()
    timings, phases, cpu = [], [], []
    for _ in range(runs):
        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        workbook = read_table(data, path.name, limits=limits)
        read = time.perf_counter()
        sheet = workbook.default_sheet
        mapping = propose_mapping(sheet)
        mapped = time.perf_counter()
        rows = extract_rows(sheet, mapping)
        done = time.perf_counter()
        timings.append(done - start)
        cpu.append(_cpu_seconds() - cpu_start)
        phases.append((read - start, mapped - read, done - mapped))
        del workbook, sheet, rows
    assert mapping.confidence == 1.0, mapping
    child = subprocess.run(
        spreadsheet.child_command(limits), input=data, capture_output=True, check=True
    )
    child_peak_kb = json.loads(child.stdout)["peak_rss_kb"]
    return {
        "file_mb": round(len(data) / 2**20, 2),
        "median_s": round(statistics.median(timings), 3),
        "min_s": round(min(timings), 3),
        "max_s": round(max(timings), 3),
        "cpu_s": round(statistics.median(cpu), 3),
        "read_s": round(statistics.median(p[0] for p in phases), 3),
        "map_s": round(statistics.median(p[1] for p in phases), 3),
        "extract_s": round(statistics.median(p[2] for p in phases), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "child_peak_rss_mb": round(child_peak_kb / 1024, 1),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the reader's child process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows per file (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows or [10_000, 100_000]:
            path = Path(folder) / f"order_{rows}.xlsx"
            write_order(path, rows)
            result = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), "--runs", str(args.runs)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(result.stdout)
            print(f"{rows:>7,} rows: {json.dumps(figures)}")


if __name__ == "__main__":
    main()
