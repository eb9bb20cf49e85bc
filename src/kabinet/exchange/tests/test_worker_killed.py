"""Issue 8, item 3: a real task worker (`kabinet worker`, a separate process) killed with
SIGKILL in the middle of an import. The next mode=import sees it at once (nobody holds the
file's import lock), queues the file again, and a restarted worker finishes it; a new exchange
is not blocked by the dead one. On SQLite and on PostgreSQL alike."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kabinet.catalog.models import Product
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.liveness import import_alive
from kabinet.exchange.models import ExchangeFile
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC

PRODUCTS = 30_000  # about 5 s of import on a quiet machine: long enough to be killed midway
ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def worker_env(transactional_db, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LANGUAGE_CODE = "en"
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 0.5
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kabinet.settings",
        "KABINET_EXCHANGE_DIR": str(settings.KABINET_EXCHANGE_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "KABINET_VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
    }
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = db["NAME"]
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    return env


def worker(env, name):
    return subprocess.Popen(
        [sys.executable, "-m", "kabinet.cli", "worker", "--interval", "0.1", "--worker-id", name],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def catalog(ids) -> bytes:
    return cml.render(
        cml.classifier(cml.groups({"g-1": ("Перчатки", {})})),
        cml.catalog(
            *[cml.product(f"p-{n}", f"Перчатки {n}", group_ids=["g-1"]) for n in ids],
            only_changes=True,
        ),
    )


def import_until_done(client, name, seconds=240):
    def done():
        answer = client.call("import", filename=name)
        return None if answer.startswith("progress") else answer

    return wait_for(done, seconds, f"{name} imported")


def test_a_worker_killed_mid_import_is_seen_at_once_and_a_restarted_worker_finishes(worker_env):
    client = OneC()
    assert client.checkauth()[0] == "success"
    client.call("init")
    client.upload("import.xml", catalog(range(PRODUCTS)))
    file = ExchangeFile.objects.get(name="import.xml")

    first = worker(worker_env, "first")
    try:
        assert client.call("import", filename="import.xml").startswith("progress\nimport.xml is")

        def importing():
            file.refresh_from_db()
            return file.status == ExchangeFile.Status.RUNNING and import_alive(file.pk)

        wait_for(importing, 120, "the worker imports")
        time.sleep(0.3)  # well inside the import's transaction
        first.kill()
        first.wait()
    finally:
        stop(first)
    file.refresh_from_db()
    assert file.status == ExchangeFile.Status.RUNNING  # killed before the end: mid-import
    assert Product.objects.count() == 0
    task = DBTaskResult.objects.get(args_kwargs__args__0=file.pk)
    assert task.status == TaskResultStatus.RUNNING  # what the dead worker left behind

    killed_at = time.monotonic()
    answer = wait_for(
        lambda: (
            (a := client.call("import", filename="import.xml"))
            != ("progress\nimport.xml is being imported")
            and a
        ),
        15,
        "the dead import is noticed",
    )
    assert answer == "progress\nimport.xml is queued again"
    assert time.monotonic() - killed_at < 15
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    file.refresh_from_db()
    assert file.status == ExchangeFile.Status.QUEUED

    second = worker(worker_env, "second")
    try:
        # A new exchange meanwhile is not blocked by the dead one.
        other = OneC()
        assert other.checkauth()[0] == "success"
        other.call("init")
        other.upload("import.xml", catalog(range(PRODUCTS, PRODUCTS + 3)))
        assert import_until_done(other, "import.xml") == "success\nimport.xml is imported"
        assert import_until_done(client, "import.xml") == "success\nimport.xml is imported"
    finally:
        stop(second)
    assert Product.objects.count() == PRODUCTS + 3
    file.refresh_from_db()
    assert (file.status, file.attempts, file.counts["products"]) == (
        ExchangeFile.Status.DONE,
        2,
        PRODUCTS,
    )
