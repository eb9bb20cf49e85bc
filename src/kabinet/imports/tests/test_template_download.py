"""The order template (D1): the expected columns and an example row, read back by our own reader
in every language of the portal."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from python_calamine import CalamineWorkbook
from tests.conftest_helpers import client_for

from kabinet.imports.reading import Role, propose_mapping, read_table
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import upload_and_confirm

ROLES = {
    Role.ARTICLE: 0,
    Role.BARCODE: 1,
    Role.ERP_CODE: 2,
    Role.PARTNER_CODE: 3,
    Role.NAME: 4,
    Role.QUANTITY: 5,
}


def client_in(user, language):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_has_the_columns_the_reader_recognises(partner, buyer, language, fmt):
    product_make(partner, article="АС-500", name="Аспирин", barcodes=["4601234567893"], minimum="4")
    client = client_in(buyer, language)

    response = client.get(f"/quick-order/template.{fmt}")

    assert response["Content-Disposition"] == f'attachment; filename="quick-order.{fmt}"'
    with translation.override(language):
        sheet = read_table(response.content, f"template.{fmt}").default_sheet
    mapping = propose_mapping(sheet)
    assert (mapping.header_row_index, mapping.columns) == (0, ROLES)
    example = sheet.rows[1]
    assert [str(cell) for cell in example[:2]] == ["АС-500", "4601234567893"]
    assert (example[4], str(example[5])) == ("Аспирин", "4")


def test_the_xlsx_template_keeps_codes_as_text_and_imports_as_it_is(partner, buyer):
    product = product_make(partner, article="00777", name="Бинт", erp_code="000000123")
    client = client_in(buyer, "en")
    content = client.get("/quick-order/template.xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["Article", "Barcode", "1C code", "Our code", "Name", "Quantity"]
    assert rows[1][:3] == ["00777", "", "000000123"]

    job = upload_and_confirm(client, content, "template.xlsx")

    row = job.rows.get()
    assert (row.variant_id, row.quantity) == (product.test_variants[0].pk, Decimal(1))


def test_the_csv_template_opens_in_russian_excel(buyer):
    content = client_in(buyer, "en").get("/quick-order/template.csv").content
    assert content.startswith("\ufeffArticle;Barcode;1C code;Our code;Name;Quantity\r\n".encode())


def test_only_xlsx_and_csv_templates_exist(buyer):
    assert client_for(buyer).get("/quick-order/template.pdf").status_code == 404
