"""Large files are checked by a task (D, item 8) with its progress on the job; small ones at once.

The suite runs tasks with the ImmediateBackend (once the job is committed); one test runs the
real django-tasks-db worker in a thread, as production does.
"""

import time

import pytest

from kabinet.cart.tests.factories import english_client
from kabinet.imports.models import ImportJob
from kabinet.imports.services import import_job_match, import_job_paste, import_job_run
from kabinet.imports.tests.builders import xlsx_bytes
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import form_values, upload

ROWS = 30


def order_file(rows: int = ROWS) -> bytes:
    return xlsx_bytes(
        {"Заказ": [["Артикул", "Количество"]] + [[f"T-{n % 3}", 1] for n in range(rows)]}
    )


@pytest.fixture
def goods(partner):
    return [product_make(partner, article=f"T-{n}") for n in range(3)]


def test_a_file_above_the_threshold_is_checked_by_a_task(
    buyer, goods, settings, django_capture_on_commit_callbacks
):
    settings.KABINET_IMPORT_TASK_ROWS = 10
    client = english_client(buyer)
    response = upload(client, order_file(), "big.xlsx")
    values = form_values(client.get(response["Location"]), "mapping-form")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(response["Location"], values)
    job = ImportJob.objects.get()
    assert (job.status, job.rows.count(), len(callbacks)) == (ImportJob.Status.MATCHING, 0, 1)
    page = client.get(f"/quick-order/{job.pk}/").content.decode()
    assert 'data-testid="progress"' in page

    callbacks[0]()  # the commit enqueues the task; the ImmediateBackend runs it

    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_total, job.rows_recognised) == (
        ImportJob.Status.MATCHED,
        100,
        ROWS,
        ROWS,
    )


def test_a_small_file_is_checked_at_once(buyer, goods, settings):
    settings.KABINET_IMPORT_TASK_ROWS = ROWS + 1  # with its header row
    client = english_client(buyer)
    response = upload(client, order_file(), "small.xlsx")
    client.post(response["Location"], form_values(client.get(response["Location"]), "mapping-form"))

    assert ImportJob.objects.get().status == ImportJob.Status.MATCHED


def test_a_long_paste_is_checked_by_a_task_too(
    scope, agreement, goods, settings, django_capture_on_commit_callbacks
):
    settings.KABINET_IMPORT_TASK_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_paste(scope=scope, agreement=agreement, text="T-0 1\nT-1 2\nT-2 3")

    job.refresh_from_db()
    assert (job.status, job.rows_ok) == (ImportJob.Status.MATCHED, 3)


def test_running_the_task_twice_checks_once(scope, agreement, goods):
    job = import_job_paste(scope=scope, agreement=agreement, text="T-0 1")
    assert import_job_match(job_id=job.pk).rows.count() == 1
    import_job_run(job_id=job.pk)
    assert job.rows.count() == 1


def test_a_crash_in_the_task_fails_the_job_with_a_message(scope, agreement, goods, monkeypatch):
    job = import_job_paste(scope=scope, agreement=agreement, text="T-0 1")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.MATCHING)

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("kabinet.imports.services.running.job_rows_check", crash)
    with pytest.raises(RuntimeError):
        import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == "The file could not be checked. Please try again or contact your manager."


def test_the_real_worker_checks_a_large_file(task_worker, partner, buyer, settings):
    settings.KABINET_IMPORT_TASK_ROWS = 10
    for n in range(3):
        product_make(partner, article=f"T-{n}")
    client = english_client(buyer)
    response = upload(client, order_file(), "big.xlsx")
    client.post(response["Location"], form_values(client.get(response["Location"]), "mapping-form"))
    job = ImportJob.objects.get()

    deadline = time.monotonic() + 30
    while job.status == ImportJob.Status.MATCHING and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()

    assert (job.status, job.rows_recognised) == (ImportJob.Status.MATCHED, ROWS)
    done = client.get(f"/quick-order/{job.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
