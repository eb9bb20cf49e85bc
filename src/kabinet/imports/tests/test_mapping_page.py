"""Confirming the columns (D2): the proposal, the sheets, the checks, and the memory of the
layout for the next file."""

import pytest

from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.tests.factories import english_client
from kabinet.imports.models import ColumnMappingMemory, ImportJob
from kabinet.imports.tests.builders import DATA, one_c_order_xlsx, xlsx_bytes
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import form_values, upload, upload_and_confirm


@pytest.fixture
def client(buyer):
    return english_client(buyer)


@pytest.fixture
def goods(partner):
    return [product_make(partner, article=a) for a in ("АС-500", "10-2030", "4600123")]


def test_the_mapping_page_shows_the_first_rows_and_the_proposed_columns(client, goods):
    response = upload(client, one_c_order_xlsx(), "order.xlsx")
    job = ImportJob.objects.get()
    assert (response["Location"], job.status) == (
        f"/quick-order/{job.pk}/mapping/",
        ImportJob.Status.UPLOADED,
    )

    page = client.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="preview-header"' in html
    assert "Заказ поставщику № 123 от 5 мая 2024 г." in html
    assert form_values(page, "mapping-form") == {
        "csrfmiddlewaretoken": form_values(page, "mapping-form")["csrfmiddlewaretoken"],
        "sheet": "TDSheet",
        "header_row": "6",
        "column_article": "2",
        "column_barcode": "",
        "column_erp_code": "",
        "column_partner_code": "",
        "column_name": "3",
        "column_quantity": "7",
        "column_price": "9",
        "column_unit": "8",
        "order_0": "article",
        "order_1": "barcode",
        "order_2": "erp_code",
        "order_3": "partner_code",
        "order_4": "name",
    }
    assert job.rows.count() == 0  # nothing is checked before the columns are confirmed


def test_the_confirmed_mapping_is_remembered_for_the_next_file_of_the_layout(client, goods, buyer):
    first = upload_and_confirm(
        client, one_c_order_xlsx(), "May.xlsx", column_name="", order_0="name", order_4="article"
    )
    assert first.mapping["columns"] == {"article": 2, "quantity": 7, "unit": 8, "price": 9}
    memory = ColumnMappingMemory.objects.get(user=buyer)
    assert memory.layout_signature == first.layout_signature

    response = upload(client, one_c_order_xlsx(), "June.xlsx")

    second = ImportJob.objects.get(file_name="June.xlsx")
    assert response["Location"] == f"/quick-order/{second.pk}/"
    assert (second.status, second.mapping_remembered) == (ImportJob.Status.MATCHED, True)
    assert second.mapping == first.mapping
    assert second.match_order == ["name", "barcode", "erp_code", "partner_code", "article"]
    assert second.rows_ok == 3
    page = client.get(response["Location"]).content.decode()
    assert "The columns are those you chose for a file of this layout before." in page


def test_another_users_memory_is_not_used(client, goods, partner):
    upload_and_confirm(client, one_c_order_xlsx(), "May.xlsx")
    colleague = english_client(UserFactory(partner=partner, email="colleague@alpha.example"))

    upload(colleague, one_c_order_xlsx(), "June.xlsx")

    assert ImportJob.objects.get(file_name="June.xlsx").status == ImportJob.Status.UPLOADED


def test_a_sheet_is_chosen_among_the_files_sheets(client, goods):
    data = xlsx_bytes(
        {
            "Заметки": [["Просто текст"]],
            "Заказ": [["Артикул", "Количество"], ["АС-500", 3]],
        }
    )
    response = upload(client, data, "two.xlsx")
    job = ImportJob.objects.get()
    assert job.sheet_name == "Заказ"  # the sheet that looks like an order
    notes = form_values(client.get(response["Location"] + "?sheet=Заметки"), "mapping-form")
    assert notes["sheet"] == "Заметки"

    page = client.get(response["Location"] + "?sheet=Заказ")
    values = form_values(page, "mapping-form")
    assert (values["sheet"], values["column_article"], values["column_quantity"]) == (
        "Заказ",
        "0",
        "1",
    )
    client.post(response["Location"], values)

    job.refresh_from_db()
    assert (job.sheet_name, job.rows_ok) == ("Заказ", 1)


def test_an_xls_with_an_instruction_first_opens_on_the_order_sheet(client, goods):
    response = upload(client, (DATA / "order_after_instruction.xls").read_bytes(), "order.xls")
    job = ImportJob.objects.get()
    assert (job.format, job.sheet_name) == ("xls", "Заказ")

    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'aria-current="page" href="?sheet=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7"' in html
    assert 'href="?sheet=%D0%98%D0%BD%D1%81%D1%82%D1%80%D1%83%D0%BA%D1%86%D0%B8%D1%8F"' in html
    values = form_values(page, "mapping-form")
    assert (values["sheet"], values["header_row"], values["column_article"]) == ("Заказ", "0", "0")
    assert values["column_quantity"] == "2"
    instruction = client.get(response["Location"] + "?sheet=Инструкция")
    assert form_values(instruction, "mapping-form")["sheet"] == "Инструкция"

    client.post(response["Location"], values)

    job.refresh_from_db()
    assert (job.sheet_name, job.rows_ok, job.rows_error) == ("Заказ", 3, 0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"column_article": "", "column_name": ""},
            "Choose the column with articles, codes or names.",
        ),
        ({"column_name": "2"}, "A column can play only one role."),
    ],
)
def test_a_mapping_without_an_identifier_or_with_a_column_twice_is_refused(
    client, goods, changes, message
):
    response = upload(client, one_c_order_xlsx(), "order.xlsx")
    values = {**form_values(client.get(response["Location"]), "mapping-form"), **changes}

    refused = client.post(response["Location"], values)

    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.UPLOADED


def test_the_columns_can_be_changed_after_the_check_until_the_file_is_applied(client, goods):
    job = upload_and_confirm(client, one_c_order_xlsx(), "order.xlsx", column_article="")
    assert job.rows_error == 3  # by name only: no product has these names

    values = form_values(client.get(f"/quick-order/{job.pk}/mapping/"), "mapping-form")
    assert values["column_article"] == ""
    client.post(f"/quick-order/{job.pk}/mapping/", {**values, "column_article": "2"})
    job.refresh_from_db()
    assert (job.rows_ok, job.rows.count()) == (3, 3)

    client.post(f"/quick-order/{job.pk}/apply/", {"mode": "merge"})
    assert client.get(f"/quick-order/{job.pk}/mapping/")["Location"] == f"/quick-order/{job.pk}/"


def test_a_tampered_mapping_form_is_refused_with_a_message(client, goods):
    response = upload(client, one_c_order_xlsx(), "order.xlsx")
    values = {**form_values(client.get(response["Location"]), "mapping-form"), "column_name": "99"}

    refused = client.post(response["Location"], values)

    assert refused.status_code == 400
    assert "Choose the header row and the columns among those offered." in (
        refused.content.decode()
    )
    assert ImportJob.objects.get().status == ImportJob.Status.UPLOADED
