import io
import zipfile

import pytest
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import scope_for
from kabinet.catalog.models import Product
from kabinet.catalog.tests.factories import (
    AssortmentRuleFactory,
    SectionFactory,
    catalog_make,
)
from kabinet.catalog.tests.helpers import head_agreement
from kabinet.pricing import pricelist

URL = "/catalog/price-list.xlsx"


@pytest.fixture
def english(partner_client, settings):
    partner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return partner_client


def _rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_route_is_named_price_list():
    assert reverse("catalog:price-list") == URL


def test_the_price_list_holds_the_assortment_at_the_partners_prices(partner, english):
    parent = SectionFactory(name="Расходники")
    section = SectionFactory(name="Перчатки", parent=parent)
    data = catalog_make(
        partner, products=2, variants_per_product=2, section=section, partner_prices=True
    )
    first, second = data.products
    Product.objects.filter(pk=first.pk).update(
        name='=HYPERLINK("http://evil")', article="+7-ART", vat_rate=None, unit="пар"
    )
    catalog_make(partner, products=1, section=SectionFactory(name="Other"))
    AssortmentRuleFactory(agreement=head_agreement(partner), section=parent)

    response = english.get(URL)

    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == pricelist.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="price-list-')
    barcodes = [v.barcodes.get().code for v in data.variants]
    assert _rows(response) == [
        [
            "Section", "Article", "1C code", "Name", "Characteristic", "Unit", "VAT, %",
            "Price with VAT", "Currency", "Stock", "Order multiple", "Minimum quantity", "Barcode",
        ],
        [
            "Расходники / Перчатки", "+7-ART", first.erp_code, '=HYPERLINK("http://evil")',
            "40", "пар", "no VAT", 77.0, "RUB", 10.0, 1.0, 1.0, barcodes[0],
        ],
        [
            "Расходники / Перчатки", "+7-ART", first.erp_code, '=HYPERLINK("http://evil")',
            "42", "пар", "no VAT", 90.0, "RUB", 10.0, 1.0, 1.0, barcodes[1],
        ],
        [
            "Расходники / Перчатки", second.article, second.erp_code, second.name,
            "40", "шт", 10.0, 100.0, "RUB", 10.0, 1.0, 1.0, barcodes[2],
        ],
        [
            "Расходники / Перчатки", second.article, second.erp_code, second.name,
            "42", "шт", 10.0, 100.0, "RUB", 10.0, 1.0, 1.0, barcodes[3],
        ],
    ]  # fmt: skip


def test_a_formula_looking_name_is_stored_as_text(partner, partner_admin, tmp_path):
    data = catalog_make(partner, products=1)
    Product.objects.filter(pk=data.products[0].pk).update(name="=1+1")
    path = tmp_path / "list.xlsx"

    written = pricelist.price_list_write(
        scope=scope_for(partner_admin), agreement=head_agreement(partner), output=str(path)
    )

    assert written == 1
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1][3] == "=1+1"


def test_prices_are_read_in_chunks_not_per_row(partner, partner_client, monkeypatch):
    catalog_make(partner, products=25)
    monkeypatch.setattr(pricelist, "CHUNK", 10)

    with CaptureQueriesContext(connection) as captured:
        response = partner_client.get(URL)
        rows = _rows(response)

    price_queries = [q for q in captured.captured_queries if '"pricing_price"' in q["sql"]]
    assert len(rows) == 26
    # the SKU stream itself filters on prices, so do the size check (task or at once) and
    # the count for the progress; then one price query per chunk of 10
    assert len(price_queries) == 1 + 2 + 3


def test_the_price_list_is_written_with_constant_memory(partner, partner_admin, monkeypatch):
    options = {}
    real = pricelist.xlsxwriter.Workbook

    def spy(output, opts):
        options.update(opts)
        return real(output, opts)

    monkeypatch.setattr(pricelist.xlsxwriter, "Workbook", spy)
    catalog_make(partner, products=1)

    pricelist.price_list_write(
        scope=scope_for(partner_admin), agreement=head_agreement(partner), output=io.BytesIO()
    )

    assert options["constant_memory"] is True
    assert options["strings_to_formulas"] is False


def test_another_partners_prices_never_appear(partner, other_partner, other_admin):
    catalog_make(partner, products=2, partner_prices=True)
    response = client_for(other_admin).get(URL)
    assert _rows(response)[1:] == []


def test_without_an_agreement_there_is_no_price_list(partner, partner_client):
    Agreement.objects.filter(counterparty__partner=partner).update(is_active=False)
    assert partner_client.get(URL).status_code == 404


def test_a_price_of_a_type_without_vat_is_listed_with_vat(partner, partner_client):
    data = catalog_make(partner, products=1, price="100.00")
    for price_type in data.price_types:
        price_type.vat_included = False
        price_type.save()
    assert _rows(partner_client.get(URL))[1][7] == 110.0


def test_with_availability_levels_the_file_shows_levels_not_quantities(partner, english, settings):
    catalog_make(partner, products=2, stock="3")
    settings.KABINET_STOCK_DISPLAY = "levels"
    assert [row[9] for row in _rows(english.get(URL))] == ["Stock", "Few left", "Few left"]
