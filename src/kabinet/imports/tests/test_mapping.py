"""Header row and column roles: by header names in Russian and English, else by content."""

import pytest

from kabinet.imports.reading import (
    ColumnMapping,
    Role,
    Sheet,
    column_letter,
    layout_signature,
    propose_mapping,
    read_table,
)
from kabinet.imports.reading.headers import header_match, normalise_header
from kabinet.imports.tests.builders import csv_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Артикул", Role.ARTICLE),
        ("Арт.", Role.ARTICLE),
        ("Код товара", Role.ARTICLE),
        ("КОД", Role.ARTICLE),
        ("SKU", Role.ARTICLE),
        ("Article", Role.ARTICLE),
        ("Артикул поставщика", Role.ARTICLE),
        ("Штрихкод", Role.BARCODE),
        ("Штрих-код", Role.BARCODE),
        ("EAN-13", Role.BARCODE),
        ("Barcode", Role.BARCODE),
        ("GTIN", Role.BARCODE),
        ("Код 1С", Role.ERP_CODE),
        ("код 1C", Role.ERP_CODE),  # a Latin C
        ("Код номенклатуры", Role.ERP_CODE),
        ("Наш код", Role.PARTNER_CODE),
        ("Код покупателя", Role.PARTNER_CODE),
        ("Свой код", Role.PARTNER_CODE),
        ("Наименование", Role.NAME),
        ("Товар", Role.NAME),
        ("Товары (работы, услуги)", Role.NAME),
        ("Номенклатура", Role.NAME),
        ("Name", Role.NAME),
        ("Product", Role.NAME),
        ("Description", Role.NAME),
        ("Количество", Role.QUANTITY),
        ("Кол-во", Role.QUANTITY),
        ("кол.", Role.QUANTITY),
        ("  Кол-во,  шт. ", Role.QUANTITY),
        ("QTY", Role.QUANTITY),
        ("Quantity", Role.QUANTITY),
        ("Заказ", Role.QUANTITY),
        ("Цена", Role.PRICE),
        ("Цена, руб.", Role.PRICE),
        ("Price", Role.PRICE),
        ("Ед.", Role.UNIT),
        ("Ед. изм.", Role.UNIT),
        ("Сумма", None),
        ("№", None),
        ("№ п/п", None),
        ("Остаток", None),
        ("Количество на складе", None),
        ("Мин. кол-во", None),
        ("Покупатель:", None),
        ("Заказ поставщику № 123 от 5 мая 2024 г.", None),
    ],
)
def test_header_names_in_russian_and_english(header, role):
    assert header_match(normalise_header(header))[0] == role


def test_header_normalisation_ignores_case_spacing_and_punctuation():
    assert normalise_header("  Кол-во,  шт. ") == "кол во шт"
    assert normalise_header("Штрих-код") == normalise_header("штрих код")
    assert normalise_header("Ёмкость") == "емкость"
    assert normalise_header(42) == "42"


def sheet_of(rows) -> Sheet:
    return Sheet(name="Лист1", rows=rows)


def test_columns_without_a_header_row_are_recognised_by_content():
    rows = [
        [4601234567893, "Перчатки нитриловые размер M", 10, 125.5],
        [4607001234566, "Маска медицинская трёхслойная", 2, 12.75],
        [46012345, "Шприц одноразовый 5 мл", 100, 4.1],
    ]
    data = xlsx_bytes({"Лист1": rows})
    mapping = propose_mapping(read_table(data, "order.xlsx").default_sheet)

    assert mapping.header_row_index is None
    assert mapping.columns == {Role.BARCODE: 0, Role.NAME: 1, Role.QUANTITY: 2}
    assert mapping.confidence == 0.6
    assert mapping.reasons == (
        "column A → barcode (content: 8–14-digit numbers)",
        "column B → name (content: long texts)",
        "column C → quantity (content: small positive numbers)",
    )


def test_headerless_article_and_quantity_csv():
    data = csv_bytes(["1;ТР-100;5", "2;ТР-200;12", "3;77412;1", "4;ТР-300;3"])
    sheet = read_table(data, "paste.csv").default_sheet
    mapping = propose_mapping(sheet)
    # the running number in the first column is neither a code nor a quantity
    assert mapping.columns == {Role.QUANTITY: 2, Role.ARTICLE: 1}


def test_an_unnamed_quantity_column_next_to_named_ones_is_found_by_content():
    mapping = propose_mapping(
        sheet_of([["Артикул", "Наименование", ""], ["A-1", "Бинт", 3], ["A-2", "Вата", 10]])
    )
    assert (mapping.header_row_index, mapping.columns) == (
        0,
        {Role.ARTICLE: 0, Role.NAME: 1, Role.QUANTITY: 2},
    )
    assert mapping.confidence == 0.8


def test_the_order_column_of_a_price_list_is_the_quantity_not_the_stock():
    rows = [
        ["Прайс-лист на 03.06.2024"],
        ["Артикул", "Наименование", "Остаток", "Мин. кол-во", "Цена", "Заказ"],
        ["A-1", "Бинт", 120, 10, 56.5, 20],
    ]
    mapping = propose_mapping(sheet_of(rows))
    assert mapping.header_row_index == 1
    assert mapping.columns == {Role.ARTICLE: 0, Role.NAME: 1, Role.PRICE: 4, Role.QUANTITY: 5}


def test_a_bare_code_next_to_an_article_is_the_1c_code():
    header = ["Код", "Артикул", "Наименование", "Количество"]
    mapping = propose_mapping(sheet_of([header, ["00-00001234", "A-1", "Бинт", 1]]))
    assert mapping.columns == {Role.ERP_CODE: 0, Role.ARTICLE: 1, Role.NAME: 2, Role.QUANTITY: 3}
    alone = propose_mapping(sheet_of([["Код", "Кол-во"], ["A-1", 1]]))
    assert alone.columns == {Role.ARTICLE: 0, Role.QUANTITY: 1}


def test_a_sheet_without_identifiers_gets_no_confidence():
    mapping = propose_mapping(sheet_of([["Сумма", "Цена"], [1, 2]]))
    assert mapping.confidence == 0.0
    assert "no column with articles, codes or names found" in mapping.reasons


def test_layout_signature_is_the_same_for_files_of_one_layout():
    header = ["Артикул", "Наименование", "Кол-во", "Цена"]
    first = sheet_of([["Заказ № 1"], header, ["A-1", "Бинт", 1, 2]])
    second = sheet_of(
        [["Заказ № 2 от ООО Бета"], [], ["АРТИКУЛ", "наименование", "кол во", "Цена "]]
    )
    other = sheet_of([["Штрихкод", "Количество"], [4601234567893, 1]])

    def signature(sheet):
        return layout_signature(sheet, propose_mapping(sheet))

    assert signature(first) == signature(second)
    assert signature(first) != signature(other)
    assert len(signature(first)) == 32
    headerless = sheet_of([["A-1", 1], ["A-2", 2]])
    assert layout_signature(headerless, ColumnMapping(None, {})) == signature(headerless)
    assert signature(headerless) != signature(sheet_of([["A-1", 1, ""], ["A-2", 2, "x"]]))


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (16383, "XFD")])
def test_column_letters(index, letter):
    assert column_letter(index) == letter
