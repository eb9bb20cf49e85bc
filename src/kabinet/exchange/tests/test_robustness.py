"""Issue item 10: an interrupted import leaves nothing half-done and a re-run ends like an
uninterrupted one; a file left running by a killed worker is queued again; imports are
serialised."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from kabinet.catalog.models import Product
from kabinet.exchange import catalog_import, importing, offers_import
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.importing import IMPORT_LOCK_KEY, import_file
from kabinet.exchange.models import ExchangeFile
from kabinet.exchange.services import exchange_file_rerun, exchange_file_run
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.exchange.tests.snapshots import catalog_snapshot, without_times
from kabinet.pricing.models import Price, Stock

pytestmark = pytest.mark.django_db
BATCH = 3


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing in the import gets to handle it."""


@pytest.fixture(autouse=True)
def small_batches(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(catalog_import, "BATCH", BATCH)
    monkeypatch.setattr(offers_import, "BATCH", BATCH)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LANGUAGE_CODE = "en"  # the answers asserted below are the English sources
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 0  # each poll answers at once: every step is seen


def package(folder, *, version: int, products: range):
    """A full catalog + offers package; version 2 renames, reprices and restocks."""
    catalog = cml.write(
        folder / "import.xml",
        cml.classifier(
            cml.groups({"g-1": ("Перчатки", {})}),
            cml.price_types({"pt-1": "Оптовая", "pt-2": "Розничная"}),
            cml.warehouses({"w-1": "Москва", "w-2": "Казань"}),
        ),
        cml.catalog(
            *[
                cml.product(
                    f"p-{n}", f"Перчатки {n} v{version}", article=f"GL-{n}", group_ids=["g-1"]
                )
                for n in products
            ],
            only_changes=False,
        ),
    )
    offers = cml.write(
        folder / "offers.xml",
        cml.package(
            *[
                cml.offer(
                    f"p-{n}#c-{size}",
                    name=f"Перчатки {n} ({size})",
                    characteristics=[("Размер", size)],
                    prices=[("pt-1", f"{100 * version + n}.50"), ("pt-2", f"{200 + n}")],
                    stock={"w-1": str(n + version), "w-2": str(version)},
                )
                for n in products
                for size in ("S", "M")
            ],
            only_changes=False,
        ),
    )
    return catalog, offers


def fail_on_second_call(monkeypatch, module, name, error=RuntimeError):
    original = getattr(module, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise error("interrupted on the second batch")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return calls


def test_an_interrupted_import_changes_nothing_and_a_rerun_ends_like_an_uninterrupted_one(
    tmp_path, monkeypatch
):
    first = package(tmp_path / "v1", version=1, products=range(0, 10))
    second = package(tmp_path / "v2", version=2, products=range(4, 14))
    for path in first:
        import_file(path=path)
    before = catalog_snapshot()
    with transaction.atomic():
        for path in second:
            import_file(path=path)
        uninterrupted = catalog_snapshot()
        transaction.set_rollback(True)
    assert catalog_snapshot() == before
    assert uninterrupted != before

    with monkeypatch.context() as patch:
        calls = fail_on_second_call(patch, catalog_import, "products_apply")
        with pytest.raises(RuntimeError, match="second batch"):
            import_file(path=second[0])
        assert len(calls) == 2
    assert catalog_snapshot() == before
    import_file(path=second[0])
    with monkeypatch.context() as patch:
        fail_on_second_call(patch, offers_import, "_offers_apply")
        with pytest.raises(RuntimeError, match="second batch"):
            import_file(path=second[1])
    half = catalog_snapshot()
    import_file(path=second[1])

    assert without_times(catalog_snapshot()) == without_times(uninterrupted)
    assert half["prices"] != catalog_snapshot()["prices"]
    assert Product.objects.filter(is_active=False).count() == 4  # p-0 … p-3 left the package
    assert Price.objects.count() == 14 * 2 * 2
    assert (
        Stock.objects.filter(variant__ext_id="p-13#c-S", warehouse__ext_id="w-1").get().quantity
        == 15
    )


def test_a_file_left_running_by_a_killed_worker_is_queued_again_by_the_next_poll(
    tmp_path, monkeypatch
):
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    catalog, _offers = package(tmp_path / "v1", version=1, products=range(10))
    client = OneC()
    client.checkauth()
    client.call("init")
    client.upload("import.xml", catalog.read_bytes())
    file = ExchangeFile.objects.get(name="import.xml")
    file.status = ExchangeFile.Status.QUEUED
    file.save()

    with monkeypatch.context() as patch:
        fail_on_second_call(patch, catalog_import, "products_apply", error=WorkerKilled)
        with pytest.raises(WorkerKilled):
            exchange_file_run(file_id=file.pk)
    file.refresh_from_db()
    assert file.status == ExchangeFile.Status.RUNNING
    assert Product.objects.count() == 0

    # Nobody holds the file's import lock any more: the very next poll queues it again.
    assert client.call("import", filename="import.xml") == "progress\nimport.xml is queued again"
    assert client.import_until_done("import.xml") == "success\nimport.xml is imported"
    assert Product.objects.count() == 10
    file.refresh_from_db()
    assert (file.status, file.counts["products"]) == (ExchangeFile.Status.DONE, 10)


@pytest.mark.django_db(transaction=True)
def test_an_import_holds_the_advisory_lock_so_a_second_one_waits(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers by itself")
    catalog, _offers = package(tmp_path, version=1, products=range(3))
    seen = {}

    def other_connection_tries_the_lock():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
                seen["other_got_it"] = cursor.fetchone()[0]
        finally:
            connections["default"].close()

    original = importing.catalog_import

    def catalog_import_watched(*args, **kwargs):
        thread = threading.Thread(target=other_connection_tries_the_lock)
        thread.start()
        thread.join()
        return original(*args, **kwargs)

    monkeypatch.setattr(importing, "catalog_import", catalog_import_watched)
    import_file(path=catalog)

    assert seen == {"other_got_it": False}
    other = threading.Thread(target=other_connection_tries_the_lock)
    other.start()
    other.join()
    assert seen == {"other_got_it": True}  # released at commit


def test_a_file_whose_worker_dies_every_time_fails_clearly_after_three_runs(
    tmp_path, monkeypatch, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 0  # nothing runs the queue here: do not wait
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    catalog, _offers = package(tmp_path / "v1", version=1, products=range(10))
    client = OneC()
    client.checkauth()
    client.call("init")
    client.upload("import.xml", catalog.read_bytes())
    assert client.call("import", filename="import.xml") == "progress\nimport.xml is queued"
    file = ExchangeFile.objects.get(name="import.xml")

    answers = []
    for _run in range(3):
        with monkeypatch.context() as patch:
            fail_on_second_call(patch, catalog_import, "products_apply", error=WorkerKilled)
            with pytest.raises(WorkerKilled):
                exchange_file_run(file_id=file.pk)
        answers.append(client.call("import", filename="import.xml"))

    assert answers == [
        "progress\nimport.xml is queued again",
        "progress\nimport.xml is queued again",
        "failure\nimport.xml: The import stopped with its worker 3 times (killed or out of "
        "memory?); see the server log.",
    ]
    file.refresh_from_db()
    assert (file.status, file.attempts) == (ExchangeFile.Status.FAILED, 3)
    assert client.call("import", filename="import.xml") == answers[-1]
    assert Product.objects.count() == 0

    exchange_file_rerun(file_id=file.pk)  # staff's "Import again", the cause fixed
    exchange_file_run(file_id=file.pk)
    file.refresh_from_db()
    assert (file.status, file.attempts) == (ExchangeFile.Status.DONE, 1)
    assert Product.objects.count() == 10


def test_a_worker_waits_a_moment_for_a_file_lock_someone_only_looked_at(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the file lock")
    import fcntl
    import os

    from kabinet.exchange.liveness import _lock_path

    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    catalog, _offers = package(tmp_path / "v1", version=1, products=range(3))
    client = OneC()
    client.checkauth()
    client.call("init")
    client.upload("import.xml", catalog.read_bytes())
    file = ExchangeFile.objects.get(name="import.xml")
    ExchangeFile.objects.filter(pk=file.pk).update(status=ExchangeFile.Status.QUEUED)
    path = _lock_path(file.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # what import_alive() does for an instant
    release = threading.Timer(0.3, lambda: fcntl.flock(descriptor, fcntl.LOCK_UN))
    release.start()
    try:
        exchange_file_run(file_id=file.pk)
    finally:
        release.join()
        os.close(descriptor)

    file.refresh_from_db()
    assert file.status == ExchangeFile.Status.DONE
    assert Product.objects.count() == 3
