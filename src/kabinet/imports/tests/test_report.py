"""The report (D4): the page and its query count, fixing rows in place, the XLSX download."""

import io
import zipfile
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook
from tests.conftest_helpers import client_for

from kabinet.cart.tests.factories import english_client
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.selectors import import_rows_page
from kabinet.imports.services import import_job_paste
from kabinet.imports.tests.builders import order_with_title_block
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import upload_and_confirm

Outcome, Severity = ImportRow.Outcome, ImportRow.Severity
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(buyer):
    return english_client(buyer)


@pytest.fixture
def title_block_job(partner, client):
    product_make(partner, article="A-100", barcodes=["4601234567893"])
    product_make(partner, article="00123")
    product_make(partner, article="A-104", multiple="10")
    return upload_and_confirm(client, order_with_title_block(), "order.xlsx")


def test_the_report_counts_and_lists_the_problem_rows_with_their_reasons(title_block_job, client):
    page = client.get(f"/quick-order/{title_block_job.pk}/").content.decode()

    assert 'data-testid="count-total">5<' in page
    assert 'data-testid="count-recognised">1<' in page
    assert 'data-testid="count-errors">3<' in page
    assert 'data-testid="count-skipped">1<' in page  # 0 is not ordered
    assert "Unknown article: no product has this article, code or name." in page
    assert "The quantity “abc” is not a number." in page
    assert "Sold in whole units only (шт)." in page
    assert "1 line can be ordered" in page


def test_the_report_page_takes_the_same_number_of_queries_for_10_and_100_rows(
    partner, scope, agreement, client, django_assert_max_num_queries
):
    product_make(partner, article="GL-1", sizes=["S", "M"])
    small = import_job_paste(scope=scope, agreement=agreement, text="GL-1 1\n" * 10)
    large = import_job_paste(scope=scope, agreement=agreement, text="GL-1 1\n" * 100)
    assert (small.rows_error, large.rows_error) == (10, 100)

    with django_assert_max_num_queries(20) as counted:
        client.get(f"/quick-order/{small.pk}/")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        response = client.get(f"/quick-order/{large.pk}/")
    assert response.content.decode().count('data-testid="candidate"') == 200


def test_fixing_a_rows_quantity_checks_it_again_in_place(title_block_job, client):
    row = title_block_job.rows.get(row_number=7)  # "abc"

    response = client.post(
        f"/quick-order/{title_block_job.pk}/rows/{row.pk}/",
        {"code": "00123", "quantity": "4"},
        **HTMX,
    )

    page = response.content.decode()
    assert f'id="import-row-{row.pk}" data-testid="row" data-row="7" data-severity="ok"' in page
    assert 'id="import-summary" class="row g-3 mb-3" hx-swap-oob="true"' in page
    assert 'data-testid="count-recognised">2<' in page
    row.refresh_from_db()
    assert (row.outcome, row.quantity, row.quantity_text) == (Outcome.OK, Decimal(4), "4")


def test_fixing_a_rows_code_looks_it_up_as_any_kind_of_code(title_block_job, client):
    row = title_block_job.rows.get(row_number=8)  # A-103, 0: not ordered

    client.post(
        f"/quick-order/{title_block_job.pk}/rows/{row.pk}/",
        {"code": "4601234567893", "quantity": "1"},
        **HTMX,
    )

    row.refresh_from_db()
    assert (row.outcome, row.matched_by, row.identifiers) == (
        Outcome.OK,
        "barcode",
        {"article": "4601234567893"},
    )
    first = title_block_job.rows.get(row_number=5)
    assert (first.severity, row.merged_into) == (Severity.WARNING, 5)  # same product as row 5
    title_block_job.refresh_from_db()
    assert (title_block_job.rows_ok, title_block_job.rows_warning) == (0, 2)


def test_an_ambiguous_row_is_settled_by_choosing_a_candidate(partner, scope, agreement, client):
    gloves = product_make(partner, article="GL-1", sizes=["S", "M"])
    job = import_job_paste(scope=scope, agreement=agreement, text="GL-1 3")
    row = job.rows.get()
    page = client.get(f"/quick-order/{job.pk}/").content.decode()
    assert "Several products match: choose the one you mean." in page
    assert f'name="variant" value="{gloves.test_variants[1].pk}"' in page

    client.post(
        f"/quick-order/{job.pk}/rows/{row.pk}/",
        {"code": "GL-1", "quantity": "3", "variant": gloves.test_variants[1].pk},
        **HTMX,
    )
    row.refresh_from_db()
    assert (row.outcome, row.variant_id, row.matched_by) == (
        Outcome.OK,
        gloves.test_variants[1].pk,
        "chosen",
    )

    client.post(f"/quick-order/{job.pk}/rows/{row.pk}/", {"code": "GL-1", "quantity": "5"})
    row.refresh_from_db()  # a new quantity keeps the chosen size
    assert (row.variant_id, row.quantity) == (gloves.test_variants[1].pk, Decimal(5))

    other = product_make(partner, article="OTHER")
    response = client.post(
        f"/quick-order/{job.pk}/rows/{row.pk}/",
        {"code": "GL-1", "quantity": "5", "variant": other.test_variants[0].pk},
        **HTMX,
    )
    assert "Choose one of the products offered for this row." in response.content.decode()


def test_the_proposed_quantities_can_be_taken_at_once(partner, scope, agreement, client):
    product_make(partner, article="BOX-6", multiple="6")
    product_make(partner, article="MIN-10", minimum="10")
    job = import_job_paste(scope=scope, agreement=agreement, text="BOX-6 7\nMIN-10 3\nBOX-6 4")
    assert job.rows_error == 3

    response = client.post(f"/quick-order/{job.pk}/use-proposed/", follow=True)

    assert "The proposed quantities are taken in 2 rows." in response.content.decode()
    job.refresh_from_db()
    assert (job.rows_error, job.rows_recognised) == (0, 3)
    assert sorted(job.rows.values_list("row_number", "quantity")) == [
        (1, Decimal(8)),  # 8 + 4: twelve in all
        (2, Decimal(10)),
        (3, Decimal(4)),
    ]


def test_rows_cannot_be_fixed_once_the_file_is_applied(partner, scope, agreement, client):
    product_make(partner, article="P-1")
    job = import_job_paste(scope=scope, agreement=agreement, text="P-1 1\nNONE 1")
    client.post(f"/quick-order/{job.pk}/apply/", {"mode": "merge"})
    row = job.rows.get(row_number=2)

    response = client.post(
        f"/quick-order/{job.pk}/rows/{row.pk}/", {"code": "P-1", "quantity": "1"}, **HTMX
    )

    assert "This file is not checked yet, or it is already applied." in response.content.decode()
    row.refresh_from_db()
    assert row.outcome == Outcome.UNKNOWN


def test_the_report_downloads_as_xlsx_with_a_reason_column_and_no_formulas(title_block_job, client):
    response = client.get(f"/quick-order/{title_block_job.pk}/report.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(name) for name in sheets)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names == ["To fix", "All rows"]
    to_fix = workbook.get_sheet_by_name("To fix").to_python()
    assert to_fix[0] == [
        "Код товара",
        "Штрих-код",
        "Наименование",
        "Кол-во, шт",
        "Цена, руб.",
        "Сумма",
        "Reason",
    ]
    assert [row[0] for row in to_fix[1:]] == ["A-101", "00123", "A-104"]
    assert to_fix[1][2] == '\'=HYPERLINK("http://x","click")'
    assert to_fix[2][-1] == "The quantity “abc” is not a number."
    every = workbook.get_sheet_by_name("All rows").to_python()
    assert [row[0] for row in every[1:]] == [5.0, 6.0, 7.0, 8.0, 10.0]
    assert every[2][3] == '\'=HYPERLINK("http://x","click")'
    assert every[1][-2:] == ["Recognised", ""]
    assert every[4][-2:] == ["No quantity", "No quantity: not ordered."]


def test_the_rows_page_filters_by_severity(title_block_job):
    errors = import_rows_page(title_block_job, row_filter="errors")
    every = import_rows_page(title_block_job, row_filter="all")
    assert [row.row_number for row in errors.object_list] == [6, 7, 10]
    assert [row.row_number for row in every.object_list] == [5, 6, 7, 8, 10]


def test_a_running_check_shows_its_progress_and_reloads_when_done(partner, buyer, client):
    job = ImportJob.objects.create(
        partner=partner,
        user=buyer,
        counterparty=buyer.partner.counterparties.first(),
        status=ImportJob.Status.MATCHING,
        progress=42,
    )

    page = client.get(f"/quick-order/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'style="width: 42%"' in page
    polled = client.get(f"/quick-order/{job.pk}/?progress=1", **HTMX)
    assert 'aria-valuenow="42"' in polled.content.decode()
    assert "<html" not in polled.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.MATCHED)
    done = client.get(f"/quick-order/{job.pk}/?progress=1", **HTMX)
    assert done["HX-Refresh"] == "true"


def test_the_fix_field_reads_article_or_code_in_russian(partner, scope, agreement, buyer):
    product_make(partner, article="P-1")
    job = import_job_paste(scope=scope, agreement=agreement, text="NONE 1")

    page = client_for(buyer).get(f"/quick-order/{job.pk}/").content.decode()

    assert 'placeholder="Артикул или код"' in page
    assert "Файл с кодами" not in page


def test_a_fix_updates_the_tab_counts_and_only_the_rows_the_page_shows(
    partner, scope, agreement, client
):
    product_make(partner, article="P-1")
    job = import_job_paste(scope=scope, agreement=agreement, text="P-1 5\nNONE 1")
    first, second = job.rows.order_by("row_number")
    page = client.get(f"/quick-order/{job.pk}/").content.decode()  # the errors tab: row 2
    assert f'id="import-shown-rows" name="shown" value="{second.pk}"' in page
    assert 'hx-include="#import-shown-rows"' in page

    response = client.post(
        f"/quick-order/{job.pk}/rows/{second.pk}/",
        {"code": "P-1", "quantity": "1", "shown": str(second.pk)},
        **HTMX,
    )

    fragment = response.content.decode()
    assert f'id="import-row-{second.pk}"' in fragment
    assert f'id="import-row-{first.pk}"' not in fragment  # merged with it, but not on this tab
    for value, count in (("errors", 0), ("warnings", 2), ("problems", 2), ("all", 2)):
        assert (
            f'<span id="import-filter-count-{value}" class="badge text-bg-light" '
            f'data-testid="filter-count-{value}" hx-swap-oob="true">{count}</span>'
        ) in fragment

    shown_both = client.post(
        f"/quick-order/{job.pk}/rows/{second.pk}/",
        {"code": "P-1", "quantity": "2", "shown": f"{first.pk} {second.pk}"},
        **HTMX,
    ).content.decode()
    assert f'id="import-row-{first.pk}" data-testid="row" data-row="1"' in shown_both
