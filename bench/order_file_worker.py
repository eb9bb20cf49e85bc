"""Memory of the background worker checking a large quick-order file (PERFORMANCE.md, P3).

Starts the real task worker (`kabinet worker`, the database tasks backend) as a child process,
waits until it idles, then uploads an order-shaped XLSX of `--rows` rows (as
`bench/order_file_import.py` writes them) and confirms its columns through the pages, which
queues the check for the worker. The worker's resident memory is read from
/proc/PID/status: when idle before the job, its peak during the job (VmHWM) and when idle
again after it. The spreadsheet reader's child process is not the worker: its own peak is
reported by `bench/order_file_import.py`.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kabinet_imports_bench  # size L
    python bench/order_file_worker.py                 # 100,000 rows
    python bench/order_file_worker.py --rows 10000
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]

import order_file_import as bench  # noqa: E402

SETTLE_SECONDS = 3.0
WARM_UP_ROWS = 200


def status_kb(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_rss_kb(pid: int, seconds: float = SETTLE_SECONDS) -> int:
    """The worker's RSS once it has stopped changing (it polls the queue while idle)."""
    time.sleep(seconds)
    return status_kb(pid)["VmRSS"]


def run_job(client, worker, path: Path, user):
    """Upload `path`, confirm its columns (which queues the check) and wait for the worker."""
    from kabinet.imports.models import ImportJob

    with path.open("rb") as handle:
        response = client.post("/quick-order/", {"file": handle})
    mapping_url = response["Location"]
    values = bench._form_values(client.get(mapping_url).content.decode())
    started, cpu_before = time.perf_counter(), cpu_seconds(worker.pid)
    client.post(mapping_url, values)
    job = ImportJob.objects.filter(user=user).latest("pk")
    sampled_peak = 0
    while job.status == ImportJob.Status.MATCHING:
        if worker.poll() is not None:
            sys.exit(f"The worker stopped: {worker.stderr.read().decode()[-2000:]}")
        sampled_peak = max(sampled_peak, status_kb(worker.pid)["VmRSS"])
        time.sleep(0.1)
        job.refresh_from_db()
    seconds = time.perf_counter() - started
    return job, seconds, cpu_seconds(worker.pid) - cpu_before, sampled_peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at the size-L PostgreSQL database (see the docstring).")
    media = tempfile.mkdtemp(prefix="kabinet-worker-bench-")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    bench.django_setup(media)
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    from django.conf import settings
    from django.test import Client

    from kabinet.imports.models import ColumnMappingMemory
    from kabinet.web.selectors import SESSION_KEY

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user, agreement = bench.buyer()
    bench.clean(user)
    ColumnMappingMemory.objects.filter(user=user).delete()
    path = Path(media) / f"order_{args.rows}.xlsx"
    bench.write_xlsx(path, bench.order_rows(user, agreement, args.rows, random.Random(2026)))

    env = {
        **os.environ,
        "KABINET_IMPORT_MAX_ROWS": str(bench.MAX_ROWS),
        "PYTHONPATH": str(ROOT / "src"),
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("kabinet")),
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--no-reload",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = agreement.pk
        session.save()
        # A small file first, so that "idle" is the worker warmed up (its modules imported).
        small = Path(media) / "warm_up.xlsx"
        bench.write_xlsx(small, bench.order_rows(user, agreement, WARM_UP_ROWS, random.Random(1)))
        settings.KABINET_IMPORT_TASK_ROWS = WARM_UP_ROWS // 2
        run_job(client, worker, small, user)
        before = idle_rss_kb(worker.pid)
        for run in range(1, args.runs + 1):
            job, seconds, cpu, sampled_peak = run_job(client, worker, path, user)
            peak = status_kb(worker.pid)["VmHWM"]
            after = idle_rss_kb(worker.pid)
            print(
                f"run {run}: {args.rows:,} rows, job {job.status} ({job.rows_total:,} rows, "
                f"{job.rows_recognised:,} recognised) in {seconds:.1f} s (worker CPU "
                f"{cpu:.1f} s, load average {os.getloadavg()[0]:.1f}); worker RSS: idle before "
                f"{before / 1024:.0f} MB, peak so far {peak / 1024:.0f} MB (sampled this run "
                f"{sampled_peak / 1024:.0f} MB), idle after {after / 1024:.0f} MB"
            )
            bench.clean(user)
            ColumnMappingMemory.objects.filter(user=user).delete()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        bench.clean(user)
        ColumnMappingMemory.objects.filter(user=user).delete()


if __name__ == "__main__":
    main()
