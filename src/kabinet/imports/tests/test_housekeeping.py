"""Old jobs and their files go after KABINET_IMPORT_KEEP_DAYS days; pages list in few queries."""

import datetime
import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kabinet.cart.tests.factories import english_client
from kabinet.imports.models import ImportJob, ImportRow, PartnerProductCode
from kabinet.imports.services import import_job_paste
from kabinet.imports.tests.builders import one_c_order_xlsx
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import upload


def test_old_jobs_are_deleted_with_their_files_and_rows(partner, buyer, settings, scope, agreement):
    product_make(partner, article="АС-500")
    client = english_client(buyer)
    upload(client, one_c_order_xlsx(), "old.xlsx")
    old = ImportJob.objects.get()
    import_job_paste(scope=scope, agreement=agreement, text="АС-500 1")
    settings.KABINET_IMPORT_KEEP_DAYS = 3
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    stored = settings.MEDIA_ROOT / old.file.name
    assert stored.exists()

    output = io.StringIO()
    call_command("purge_imports", stdout=output)

    assert output.getvalue() == "1 old quick-order jobs deleted.\n"
    assert not stored.exists()
    assert list(ImportJob.objects.values_list("source", flat=True)) == ["paste"]
    assert ImportRow.objects.count() == 1


def test_the_upload_page_lists_recent_jobs_in_the_same_number_of_queries(
    partner, buyer, scope, agreement, django_assert_max_num_queries
):
    product_make(partner, article="АС-500")
    client = english_client(buyer)
    import_job_paste(scope=scope, agreement=agreement, text="АС-500 1")
    with django_assert_max_num_queries(15) as counted:
        client.get("/quick-order/")
    for _n in range(9):
        import_job_paste(scope=scope, agreement=agreement, text="АС-500 1")

    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = client.get("/quick-order/").content.decode()
    assert page.count("Pasted text") == 10


def test_the_codes_page_lists_codes_in_the_same_number_of_queries(
    partner, buyer, django_assert_max_num_queries
):
    client = english_client(buyer)

    def codes(n):
        for number in range(n):
            product = product_make(partner, article=f"C-{number}-{n}")
            PartnerProductCode.objects.create(
                partner=partner, product=product, code=f"K{n}-{number}", code_key=f"k{n}-{number}"
            )

    codes(1)
    with django_assert_max_num_queries(15) as counted:
        client.get("/quick-order/codes/")
    codes(20)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = client.get("/quick-order/codes/").content.decode()
    assert page.count('data-testid="code-row"') == 21


def test_a_whole_check_takes_the_same_number_of_queries_for_10_and_1000_rows(
    partner, scope, agreement
):
    """Reads, matching and checks: a fixed number. The rows are written by one COPY on
    PostgreSQL; elsewhere by INSERTs in batches (SQLite caps the parameters of a statement)."""
    product_make(partner, article="АС-500")

    def queries(lines):
        with CaptureQueriesContext(connection) as captured:
            job = import_job_paste(scope=scope, agreement=agreement, text="АС-500 1\n" * lines)
        assert job.rows_recognised == lines
        statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
        writes = [sql for sql in statements if sql in ("INSERT", "COPY")]
        return [sql for sql in statements if sql not in ("INSERT", "COPY")], writes

    (small, small_writes), (large, large_writes) = queries(10), queries(1000)
    assert small == large
    assert len(small) <= 25
    if connection.vendor == "postgresql":
        # the job; the rows go by COPY, past Django's query log
        assert small_writes == large_writes == ["INSERT"]
    else:
        assert small_writes == ["INSERT", "INSERT"]
