"""A large file is checked in batches: the memory a check needs does not grow with the file
(issue 8, item 18: a 100,000-row file took a worker from 137 to 341 MB).

Measured with tracemalloc around the check itself (`import_job_match`, as the task runs it),
with small batches so that small files show the shape: four times the rows may not take
anywhere near four times the memory. (Before: 1.1 MB for 300 rows, 3.5 MB for 1,200, and a
20 MB read buffer under both.) Each product's rows are in one batch here; rows of a product
spread over batches are checked together once all batches are stored (the last test).
"""

import tracemalloc

import pytest

from kabinet.cart.tests.factories import english_client
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.services import import_job_match, import_job_paste
from kabinet.imports.tests.builders import xlsx_bytes
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import form_values, upload

PRODUCTS = 30


@pytest.fixture
def goods(partner):
    return [product_make(partner, article=f"M-{n}", sizes=["S", "M"]) for n in range(PRODUCTS)]


def queued_job(client, rows: int, django_capture_on_commit_callbacks) -> ImportJob:
    """A file of `rows` order rows whose columns are confirmed, its check not run yet."""
    data = [["Артикул", "Наименование", "Количество"]] + [
        [f"M-{n * PRODUCTS // rows}", f"Товар M-{n * PRODUCTS // rows} S", 1 + n % 7]
        for n in range(rows)
    ]
    with django_capture_on_commit_callbacks(execute=False):
        response = upload(client, xlsx_bytes({"Заказ": data}), f"order-{rows}.xlsx")
        if response["Location"].endswith("/mapping/"):  # not a layout confirmed before
            values = form_values(client.get(response["Location"]), "mapping-form")
            client.post(response["Location"], values)
    job = ImportJob.objects.get(file_name=f"order-{rows}.xlsx")
    assert job.status == ImportJob.Status.MATCHING
    return job


def check_peak(job: ImportJob) -> int:
    tracemalloc.start()
    try:
        import_job_match(job_id=job.pk)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_memory_of_a_check_does_not_grow_with_the_rows_of_the_file(
    buyer, goods, settings, django_capture_on_commit_callbacks
):
    settings.KABINET_IMPORT_TASK_ROWS = 10
    settings.KABINET_IMPORT_CHECK_BATCH = 120
    client = english_client(buyer)
    small = queued_job(client, 300, django_capture_on_commit_callbacks)
    large = queued_job(client, 1_200, django_capture_on_commit_callbacks)

    small_peak, large_peak = check_peak(small), check_peak(large)

    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
    assert large_peak < 8 * 2**20  # no buffer of the file size limit (20 MB) either
    large.refresh_from_db()
    assert (large.status, large.rows_total, large.rows_warning) == ("matched", 1_200, 1_200)
    assert large.rows.filter(merged_into=2).count() == 1_200 // PRODUCTS - 1  # one cart line


def test_rows_of_a_product_in_different_batches_are_checked_as_one_line(
    partner, scope, agreement, settings
):
    settings.KABINET_IMPORT_CHECK_BATCH = 2
    product_make(partner, article="BOX-6", multiple="6")
    product_make(partner, article="ONE")

    job = import_job_paste(
        scope=scope, agreement=agreement, text="BOX-6 4\nONE 1\nONE 2\nBOX-6 2\nBOX-6 5"
    )

    rows = {row.row_number: row for row in job.rows.all()}
    assert {n: (row.outcome, row.merged_into) for n, row in rows.items()} == {
        1: (ImportRow.Outcome.NOT_MULTIPLE, None),
        2: (ImportRow.Outcome.OK, None),
        3: (ImportRow.Outcome.OK, 2),
        4: (ImportRow.Outcome.NOT_MULTIPLE, 1),
        5: (ImportRow.Outcome.NOT_MULTIPLE, 1),
    }
    assert rows[1].proposed_quantity == 5  # 4 + 2 + 5 = 11: one more for 12 in all
    assert rows[1].detail["total"] == "11"
    assert (job.rows_error, job.rows_warning) == (3, 2)
