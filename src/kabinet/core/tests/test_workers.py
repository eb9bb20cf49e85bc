"""Several task workers at once (issue 13, point 3): two real `kabinet worker` processes on the
database queue run each task exactly once, and a 1C import exactly once, one import at a time
(PostgreSQL: the workers wait for the import's advisory lock). On SQLite and on PostgreSQL."""

import pytest
from django.db import connection, connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kabinet.catalog.models import Product
from kabinet.core.tests.tasks import run_record
from kabinet.core.tests.workers import (
    runs,
    wait_for,
    worker_environment,
    worker_start,
    worker_stop,
)
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.importing import IMPORT_LOCK_KEY
from kabinet.exchange.models import ExchangeFile
from kabinet.exchange.tasks import exchange_file_import
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC

TASKS = 16


@pytest.fixture
def database_queue(transactional_db, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LANGUAGE_CODE = "en"
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 0
    return worker_environment(tmp_path)


def test_two_workers_on_the_database_queue_run_each_task_once(database_queue, tmp_path):
    record = tmp_path / "runs.txt"
    results = [run_record.enqueue(str(record), n, 0.25) for n in range(TASKS)]
    workers = [
        worker_start(database_queue, "--interval", "0.1", "--worker-id", name)
        for name in ("first", "second")
    ]
    try:
        wait_for(lambda: len(runs(record)) >= TASKS, 180, "every task ran")
        wait_for(lambda: DBTaskResult.objects.successful().count() == TASKS, 30, "results saved")
    finally:
        errors = [worker_stop(worker) for worker in workers]
    assert sorted(marker for marker, _pid in runs(record)) == list(range(TASKS)), errors
    assert {pid for _marker, pid in runs(record)} == {worker.pid for worker in workers}
    for result in results:
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == f"ran {result.args[1]}"
        assert len(result.worker_ids) == 1
    assert {w for r in results for w in r.worker_ids} == {"first", "second"}


def catalog(ids) -> bytes:
    return cml.render(
        cml.classifier(cml.groups({"g-1": ("Перчатки", {})})),
        cml.catalog(
            *[cml.product(f"p-{n}", f"Перчатки {n}", group_ids=["g-1"]) for n in ids],
            only_changes=True,
        ),
    )


def import_lock_holders() -> list[bool]:
    """`granted` of each backend holding or awaiting the 1C import's advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT granted FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = %s ORDER BY granted DESC",
            [IMPORT_LOCK_KEY],
        )
        return [row[0] for row in cursor.fetchall()]


def test_two_workers_import_each_1c_file_once_and_one_import_at_a_time(database_queue):
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    exchanges = []
    for first in (0, 1000):
        client = OneC()
        assert client.checkauth()[0] == "success"
        client.call("init")
        client.upload("import.xml", catalog(range(first, first + 300)))
        assert client.call("import", filename="import.xml") == "progress\nimport.xml is queued"
        exchanges.append(client)
    files = list(ExchangeFile.objects.order_by("pk"))
    exchange_file_import.enqueue(files[0].pk)  # the same file queued twice
    assert DBTaskResult.objects.ready().count() == 3

    on_postgresql = connection.vendor == "postgresql"
    holder = connections.create_connection("default") if on_postgresql else None
    if holder is not None:
        # Another import (the test) holds the lock: both workers must wait for it.
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
    workers = [
        worker_start(database_queue, "--interval", "0.1", "--worker-id", name)
        for name in ("first", "second")
    ]
    try:
        if holder is not None:
            wait_for(
                lambda: import_lock_holders() == [True, False, False],
                120,
                "both workers wait for the import lock",
            )
            assert Product.objects.count() == 0
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
            holder.close()
            holder = None
        wait_for(lambda: DBTaskResult.objects.successful().count() == 3, 180, "the imports ended")
    finally:
        if holder is not None:
            holder.close()
        errors = [worker_stop(worker) for worker in workers]
    for file in files:
        file.refresh_from_db()
        assert (file.status, file.attempts, file.counts["products"]) == (
            ExchangeFile.Status.DONE,
            1,
            300,
        ), errors
    assert Product.objects.count() == 600
    for client in exchanges:
        assert client.call("import", filename="import.xml") == "success\nimport.xml is imported"
