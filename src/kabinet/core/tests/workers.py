"""Real `kabinet worker` processes for the tests, on the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]


def worker_environment(tmp_path, **extra) -> dict[str, str]:
    """The environment of a worker process that sees the test's database (and Redis)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kabinet.settings",
        "KABINET_VAR_DIR": str(tmp_path / "var"),
        "KABINET_EXCHANGE_DIR": str(settings.KABINET_EXCHANGE_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "database",
    }
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = db["NAME"]
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL  # this test process's own Redis database
    else:
        env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def worker_start(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kabinet.cli", "worker", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def worker_stop(process) -> str:
    """Stop the worker (SIGTERM: it finishes its task first); returns what it wrote to stderr."""
    if process.poll() is None:
        process.terminate()
    try:
        _out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
    return err or ""


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def runs(path: Path) -> list[tuple[int, int]]:
    """(marker, process id) of each run recorded by tasks.run_record."""
    if not path.exists():
        return []
    return [tuple(map(int, line.split())) for line in path.read_text().splitlines()]
