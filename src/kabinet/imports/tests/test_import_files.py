"""Real-world-shaped order files, uploaded, mapped, checked and applied to the cart through the
pages, end to end (the issue's "Done when")."""

import datetime
from decimal import Decimal

import pytest

from kabinet.cart.models import CartLine
from kabinet.cart.tests.factories import english_client
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.tests.builders import (
    DATA,
    csv_bytes,
    ods_bytes,
    one_c_order_xlsx,
    order_with_title_block,
)
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import upload_and_confirm

Outcome, Severity = ImportRow.Outcome, ImportRow.Severity


@pytest.fixture
def client(buyer):
    return english_client(buyer)


def report(job):
    return [
        (row.row_number, row.outcome, row.severity, row.quantity)
        for row in job.rows.order_by("row_number")
    ]


def applied(client, job, mode="merge"):
    response = client.post(f"/quick-order/{job.pk}/apply/", {"mode": mode})
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    return {
        line.variant.product.article: line.quantity
        for line in CartLine.objects.select_related("variant__product")
    }


def test_a_1c_printed_order_form_maps_and_imports(partner, client):
    for article in ("АС-500", "10-2030", "4600123"):
        product_make(partner, article=article)

    job = upload_and_confirm(client, one_c_order_xlsx(), "Заказ поставщику 123.xlsx")

    assert job.mapping == {
        "header_row": 6,
        "columns": {"article": 2, "name": 3, "quantity": 7, "unit": 8, "price": 9},
    }
    assert report(job) == [
        (8, Outcome.OK, Severity.OK, Decimal(10)),
        (9, Outcome.OK, Severity.OK, Decimal(25)),
        (10, Outcome.OK, Severity.OK, Decimal(1000)),
    ]
    assert applied(client, job) == {
        "АС-500": Decimal(10),
        "10-2030": Decimal(25),
        "4600123": Decimal(1000),
    }


def test_an_xlsx_with_a_title_block_and_merged_cells_maps_and_imports(partner, client):
    product_make(partner, article="A-100", barcodes=["4601234567893"])
    for article in ("A-101", "00123", "A-103", "A-104"):
        product_make(partner, article=article)

    job = upload_and_confirm(client, order_with_title_block(), "order.xlsx")

    assert (job.sheet_name, job.mapping["header_row"]) == ("Заказ", 3)
    assert report(job) == [
        (5, Outcome.OK, Severity.OK, Decimal(10)),  # "10 шт"
        (6, Outcome.OK, Severity.OK, Decimal(2)),  # named "=HYPERLINK(…)": just a name
        (7, Outcome.BAD_QUANTITY, Severity.ERROR, None),  # "abc"
        (8, Outcome.NO_QUANTITY, Severity.SKIPPED, None),  # 0: not ordered
        (10, Outcome.BAD_QUANTITY, Severity.ERROR, None),  # 1 000,5 of a piece good
    ]
    assert (job.rows_total, job.rows_ok, job.rows_error, job.rows_skipped) == (5, 2, 2, 1)
    assert applied(client, job) == {"A-100": Decimal(10), "A-101": Decimal(2)}


def test_a_windows_1251_semicolon_csv_with_decimal_commas_maps_and_imports(partner, client):
    product_make(partner, article="АБ-1", fractional=True, multiple="0.5", unit="кг")
    product_make(partner, article="АБ-2")
    product_make(partner, article="АБ-3")
    data = csv_bytes(
        [
            "Артикул;Наименование;Количество;Цена",
            "АБ-1;Гвозди строительные 100 мм, оцинкованные;10,5;12,30",
            "АБ-2;Шурупы по дереву;1 000;0,45",
            "АБ-3;Дюбель «Сокол»;2,00;1 234,00",
            "Итого;;1012,5;",
        ],
        encoding="cp1251",
    )

    job = upload_and_confirm(client, data, "заказ.csv")

    assert (job.format, job.rows_total, job.rows_ok) == ("csv", 3, 3)
    assert applied(client, job) == {
        "АБ-1": Decimal("10.5"),
        "АБ-2": Decimal(1000),
        "АБ-3": Decimal(2),
    }


def test_an_xls_order_request_maps_and_imports_by_barcode(partner, client):
    product_make(partner, article="X-1", barcodes=["4601234567893"])
    product_make(
        partner, article="X-2", barcodes=["4607001234566"], fractional=True, multiple="0.5"
    )
    product_make(partner, article="X-3", barcodes=["46012345"])

    job = upload_and_confirm(client, (DATA / "order_request.xls").read_bytes(), "order.xls")

    assert (job.format, job.mapping["columns"]) == (
        "xls",
        {"barcode": 1, "name": 2, "quantity": 3, "price": 4},
    )
    assert [(row.matched_by, row.quantity) for row in job.rows.order_by("row_number")] == [
        ("barcode", Decimal(10)),
        ("barcode", Decimal("2.5")),
        ("barcode", Decimal(3)),
    ]
    assert applied(client, job) == {"X-1": Decimal(10), "X-2": Decimal("2.5"), "X-3": Decimal(3)}


def test_an_ods_maps_and_imports(partner, client):
    product_make(partner, article="Р-1")
    product_make(partner, article="Р-2", fractional=True, multiple="0.5", unit="м")
    data = ods_bytes(
        {
            "Заказ": [
                ["Заказ от", datetime.date(2024, 6, 3)],
                [],
                ["Артикул", "Кол.", "Цена", "Срок"],
                ["Р-1", 5, 10.5, datetime.date(2024, 6, 10)],
                ["Р-2", 2.5, "", ""],
            ]
        }
    )

    job = upload_and_confirm(client, data, "order.ods")

    assert (job.format, job.rows_ok) == ("ods", 2)
    assert applied(client, job) == {"Р-1": Decimal(5), "Р-2": Decimal("2.5")}


def test_a_csv_with_a_bom_maps_and_merges_the_same_barcode_written_twice(partner, client):
    product_make(partner, article="M-1", barcodes=["4601234567893"])
    data = (
        '\ufeffBarcode,Name,Qty\r\n4601234567893,"Gloves, nitrile, M",12\r\n'
        '04601234567893,"Mask ""Comfort""",3\r\n'
    ).encode()

    job = upload_and_confirm(client, data, "order.csv")

    assert report(job) == [
        (2, Outcome.OK, Severity.WARNING, Decimal(12)),
        (3, Outcome.OK, Severity.WARNING, Decimal(3)),
    ]
    page = client.get(f"/quick-order/{job.pk}/").content.decode()
    assert "Same product as row 2: added to its line (15 шт in all)." in page
    assert applied(client, job) == {"M-1": Decimal(15)}


def test_pasted_lines_go_through_the_same_matching_and_report(partner, client):
    product_make(partner, article="АС-500", barcodes=["4601234567893"])
    product_make(partner, article="Б-7", multiple="10")

    response = client.post(
        "/quick-order/paste/", {"text": "ас-500 2\n\n4601234567893; 3\nБ-7 x 15\nНЕТ-ТАКОГО 1"}
    )

    job = ImportJob.objects.get()
    assert response["Location"] == f"/quick-order/{job.pk}/"
    assert (job.source, job.status) == (ImportJob.Source.PASTE, ImportJob.Status.MATCHED)
    assert report(job) == [
        (1, Outcome.OK, Severity.WARNING, Decimal(2)),
        (3, Outcome.OK, Severity.WARNING, Decimal(3)),
        (4, Outcome.NOT_MULTIPLE, Severity.ERROR, None),
        (5, Outcome.UNKNOWN, Severity.ERROR, None),
    ]
    assert job.rows.get(row_number=4).proposed_quantity == Decimal(20)
    assert applied(client, job) == {"АС-500": Decimal(5)}
