"""Hostile and broken uploads (D5): a clear message in the user's language on the upload page,
and nothing changes — no job, no stored file, the cart as it was."""

import io
import re
from html import unescape

import pytest
import xlsxwriter
from tests.conftest_helpers import client_for

from kabinet.cart.models import CartLine
from kabinet.cart.tests.factories import cart_make, english_client
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.tests.builders import (
    DATA,
    csv_bytes,
    one_c_order_xlsx,
    xlsx_bytes,
    xlsx_with_part,
)
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import form_values, upload
from kabinet.imports.tests.test_hostile_files import BILLION_LAUGHS, PNG, SHEET_END, SHEET_START


def stray_cell_xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Артикул", "Количество"])
    sheet.write_string(1_048_575, 16_383, "x")
    workbook.close()
    return buffer.getvalue()


HOSTILE = {
    "zip bomb": (
        lambda: xlsx_with_part(
            "xl/worksheets/sheet1.xml", SHEET_START + b" " * (30 << 20) + SHEET_END
        ),
        "bomb.xlsx",
        "The file was refused for safety: its packed content unpacks to an unusually large "
        "amount of data. If it is a real spreadsheet, split it into smaller files.",
    ),
    "xml entities": (
        lambda: xlsx_with_part("xl/sharedStrings.xml", BILLION_LAUGHS),
        "lol.xlsx",
        "The file was refused for safety: it contains XML declarations that spreadsheet "
        "programs never write. Open it in your spreadsheet program and save it again.",
    ),
    "content not matching the extension": (
        lambda: PNG + bytes(200),
        "photo.xlsx",
        "The file “photo.xlsx” is named as .xlsx, but its content is an image. "
        "Save it again in the format its name says.",
    ),
    "empty file": (
        lambda: b"",
        "order.csv",
        "The file has no data: it is empty or its sheets have no filled cells.",
    ),
    "password-protected file": (
        lambda: (DATA / "password_protected.xlsx").read_bytes(),
        "secret.xlsx",
        "The file is password-protected. Save a copy without the password and upload that copy.",
    ),
    "unknown type": (
        lambda: b"%PDF-1.7",
        "order.pdf",
        "Files of this type (.pdf) cannot be read. Upload an XLSX, XLS, ODS or CSV file.",
    ),
    "damaged file": (
        lambda: one_c_order_xlsx()[:3000],
        "cut.xlsx",
        "The file is damaged and cannot be read. Open it in your spreadsheet program, "
        "save it again and upload the new copy.",
    ),
    "sheet reaching the last cell": (
        stray_cell_xlsx,
        "far.xlsx",
        "The file was refused: a sheet in it is too large to read. Delete the unused rows and "
        "columns at its far end or split the file into smaller ones.",
    ),
}


@pytest.fixture
def cart_before(partner, buyer):
    product = product_make(partner, article="KEEP-1")
    cart_make(owner=buyer, lines={product.test_variants[0]: 7})
    return list(CartLine.objects.values_list("variant_id", "quantity"))


def nothing_changed(settings, cart_before):
    assert ImportJob.objects.count() == 0
    assert ImportRow.objects.count() == 0
    stored = settings.MEDIA_ROOT / "imports"
    assert not stored.exists() or not any(path.is_file() for path in stored.rglob("*"))
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == cart_before


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_or_broken_file_is_refused_with_its_message_and_changes_nothing(
    case, buyer, cart_before, settings
):
    make, name, message = HOSTILE[case]

    response = upload(english_client(buyer), make(), name)

    assert response.status_code == 400
    assert [message] == _upload_errors(response)
    nothing_changed(settings, cart_before)


def test_the_size_and_row_limits_come_from_the_settings(buyer, cart_before, settings):
    client = english_client(buyer)
    settings.KABINET_IMPORT_MAX_MB = 0.001
    response = upload(client, csv_bytes(["Артикул;Количество"] * 200), "big.csv")
    assert _upload_errors(response) == ["The file is too large (0.1 MB): the limit is 0.0 MB."]

    settings.KABINET_IMPORT_MAX_MB = 20
    settings.KABINET_IMPORT_MAX_ROWS = 3
    data = xlsx_bytes({"Заказ": [["Артикул", "Количество"]] + [[f"A-{n}", 1] for n in range(3)]})
    response = upload(client, data, "order.xlsx")
    assert _upload_errors(response) == [
        "There are more than 3 rows in “Заказ”. Split the file into smaller ones."
    ]
    nothing_changed(settings, cart_before)


def test_the_message_is_in_the_users_language(buyer, cart_before, settings):
    response = upload(client_for(buyer), b"", "order.csv")  # Russian, the portal's default

    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    nothing_changed(settings, cart_before)


def test_a_file_that_breaks_before_its_check_fails_the_job_and_adds_nothing(
    partner, buyer, cart_before, settings, django_capture_on_commit_callbacks
):
    settings.KABINET_IMPORT_TASK_ROWS = 1  # checked by the task (run at once here)
    product_make(partner, article="АС-500")
    client = english_client(buyer)
    response = upload(client, one_c_order_xlsx(), "order.xlsx")
    job = ImportJob.objects.get()
    with open(job.file.path, "wb") as stored:  # the disk damaged it since
        stored.write(b"PK\x03\x04" + bytes(100))
    values = form_values(client.get(response["Location"]), "mapping-form")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], values)

    job.refresh_from_db()
    assert (job.status, job.rows.count()) == (ImportJob.Status.FAILED, 0)
    assert job.error == (
        "The file is damaged and cannot be read. Open it in your spreadsheet program, "
        "save it again and upload the new copy."
    )
    page = client.get(f"/quick-order/{job.pk}/").content.decode()
    assert job.error in page
    assert client.post(f"/quick-order/{job.pk}/apply/", {"mode": "merge"}).status_code == 302
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == cart_before


def _upload_errors(response) -> list[str]:
    found = re.findall(r'data-testid="upload-error">([^<]*)<', response.content.decode())
    return [unescape(text) for text in found]
