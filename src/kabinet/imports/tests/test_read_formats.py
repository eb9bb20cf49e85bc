"""Real-world-shaped order files, read, mapped and extracted end to end."""

import datetime
from decimal import Decimal

import pytest

from kabinet.imports.reading import (
    ColumnMapping,
    PasswordProtectedError,
    ReadLimits,
    Role,
    RowIssue,
    TooManyRowsError,
    cell_text_safe,
    extract_rows,
    propose_mapping,
    read_sheet_rows,
    read_table,
)
from kabinet.imports.tests.builders import (
    DATA,
    ONE_C_TITLE,
    csv_bytes,
    ods_bytes,
    one_c_order_xlsx,
    order_with_title_block,
    xlsx_bytes,
)

A, B, C, D, E, F, G, H = range(8)
COLUMN_I, COLUMN_J = 8, 9


def summary(rows):
    """(row number, identifiers, quantity, issues) of each row, for exact comparison."""
    return [(r.row_number, dict(r.identifiers), r.quantity, r.issues) for r in rows]


def test_1c_printed_order_form_is_read_below_its_title_and_requisites():
    workbook = read_table(one_c_order_xlsx(), "Заказ поставщику 123.xlsx")

    assert workbook.format == "xlsx"
    sheet = workbook.default_sheet
    assert sheet.name == "TDSheet"
    assert sheet.rows[1][B] == ONE_C_TITLE
    mapping = propose_mapping(sheet)
    assert mapping.header_row_index == 6
    assert mapping.columns == {
        Role.ARTICLE: C,
        Role.NAME: D,
        Role.QUANTITY: H,
        Role.UNIT: COLUMN_I,
        Role.PRICE: COLUMN_J,
    }
    assert mapping.confidence == 1.0
    rows = extract_rows(sheet, mapping)
    assert summary(rows) == [
        (8, {"article": "АС-500", "name": "Аспирин 500 мг №20"}, Decimal(10), ()),
        (9, {"article": "10-2030", "name": "Бинт стерильный 7 м × 14 см"}, Decimal(25), ()),
        (10, {"article": "4600123", "name": "Вата хирургическая 100 г"}, Decimal(1000), ()),
    ]
    assert [(r.unit, r.price) for r in rows] == [
        ("шт", Decimal("123.45")),
        ("уп", Decimal(56)),
        ("шт", Decimal("9.9")),
    ]
    assert rows[0].cells == (
        "",
        1,
        "АС-500",
        "Аспирин 500 мг №20",
        "",
        "",
        "",
        10,
        "шт",
        123.45,
        1234.5,
    )


def test_xlsx_with_title_block_and_merged_cells_above_the_header():
    workbook = read_table(order_with_title_block(), "order.xlsx")

    assert [(s.name, s.row_count, s.hidden) for s in workbook.sheets] == [
        ("Инструкция", 0, False),
        ("Заказ", 10, False),
        ("Прайс", 2, True),
    ]
    assert workbook.default_index == 1
    sheet = workbook.default_sheet
    mapping = propose_mapping(sheet)
    assert mapping.header_row_index == 3
    assert mapping.columns == {
        Role.ARTICLE: A,
        Role.BARCODE: B,
        Role.NAME: C,
        Role.QUANTITY: D,
        Role.PRICE: E,
    }
    rows = extract_rows(sheet, mapping)
    assert summary(rows) == [
        (
            5,
            {"article": "A-100", "barcode": "4601234567893", "name": "Перчатки нитриловые M"},
            Decimal(10),
            (),
        ),
        (6, {"article": "A-101", "name": '=HYPERLINK("http://x","click")'}, Decimal(2), ()),
        (7, {"article": "00123", "name": "Маска медицинская"}, None, (RowIssue.BAD_QUANTITY,)),
        (8, {"article": "A-103", "name": "Шприц 5 мл"}, 0, (RowIssue.NON_POSITIVE_QUANTITY,)),
        (10, {"article": "A-104", "name": "Бахилы"}, Decimal("1000.5"), ()),
    ]
    assert rows[0].price == Decimal("1250.5")
    assert rows[2].quantity_text == "abc"


def test_formula_text_stays_text_and_formulas_give_their_cached_values():
    data = xlsx_bytes(
        {"Лист1": [["Артикул", "Наименование", "Количество"], ["A-1", "", ""]]},
        formulas=[
            ("Лист1", 1, 1, '=HYPERLINK("http://x","click")', "click"),
            ("Лист1", 1, 2, "=2+3", 5),
        ],
    )
    sheet = read_table(data, "f.xlsx").default_sheet
    assert sheet.rows[1] == ["A-1", "click", 5]

    text_cell = read_table(order_with_title_block(), "order.xlsx").sheet("Заказ").rows[5][C]
    assert text_cell == '=HYPERLINK("http://x","click")'
    assert cell_text_safe(text_cell) == '\'=HYPERLINK("http://x","click")'


def test_windows_1251_semicolon_csv_with_decimal_commas():
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
    workbook = read_table(data, "заказ.csv")

    assert (workbook.format, workbook.encoding, workbook.delimiter) == ("csv", "cp1251", ";")
    sheet = workbook.default_sheet
    assert sheet.rows[1] == ["АБ-1", "Гвозди строительные 100 мм, оцинкованные", "10,5", "12,30"]
    mapping = propose_mapping(sheet)
    assert (mapping.header_row_index, mapping.columns) == (
        0,
        {Role.ARTICLE: 0, Role.NAME: 1, Role.QUANTITY: 2, Role.PRICE: 3},
    )
    rows = extract_rows(sheet, mapping)
    assert summary(rows) == [
        (
            2,
            {"article": "АБ-1", "name": "Гвозди строительные 100 мм, оцинкованные"},
            Decimal("10.5"),
            (),
        ),
        (3, {"article": "АБ-2", "name": "Шурупы по дереву"}, Decimal(1000), ()),
        (4, {"article": "АБ-3", "name": "Дюбель «Сокол»"}, Decimal(2), ()),
    ]
    assert [r.price for r in rows] == [Decimal("12.3"), Decimal("0.45"), Decimal(1234)]


def test_utf8_csv_with_bom_comma_delimited_with_quoted_fields():
    data = "\ufeff" + (
        'Barcode,Name,Qty\r\n4601234567893,"Gloves, nitrile, M",12\r\n'
        '04601234567893,"Mask ""Comfort""",3\r\n'
    )
    workbook = read_table(data.encode("utf-8"), "order.csv")

    assert (workbook.encoding, workbook.delimiter) == ("utf-8-sig", ",")
    sheet = workbook.default_sheet
    assert sheet.rows[0] == ["Barcode", "Name", "Qty"]
    mapping = propose_mapping(sheet)
    assert mapping.columns == {Role.BARCODE: 0, Role.NAME: 1, Role.QUANTITY: 2}
    assert summary(extract_rows(sheet, mapping)) == [
        (2, {"barcode": "4601234567893", "name": "Gloves, nitrile, M"}, Decimal(12), ()),
        (3, {"barcode": "04601234567893", "name": 'Mask "Comfort"'}, Decimal(3), ()),
    ]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [
        ("cp866", ";", "\r\n"),
        ("utf-16", "\t", "\r\n"),  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
        ("utf-8", "|", "\n"),
        ("utf-8", "\t", "\n"),
    ],
)
def test_text_files_in_other_encodings_and_delimiters(encoding, delimiter, newline):
    lines = [
        delimiter.join(["Артикул", "Номенклатура", "Кол-во"]),
        delimiter.join(["КЛ-7", "Клей обойный универсальный", "4"]),
        delimiter.join(["КЛ-8", "Кисть малярная плоская", "1,5"]),
    ]
    workbook = read_table(csv_bytes(lines, encoding=encoding, newline=newline), "order.txt")

    assert workbook.encoding == encoding
    assert workbook.delimiter == delimiter
    sheet = workbook.default_sheet
    mapping = propose_mapping(sheet)
    assert mapping.columns == {Role.ARTICLE: 0, Role.NAME: 1, Role.QUANTITY: 2}
    assert summary(extract_rows(sheet, mapping)) == [
        (2, {"article": "КЛ-7", "name": "Клей обойный универсальный"}, Decimal(4), ()),
        (3, {"article": "КЛ-8", "name": "Кисть малярная плоская"}, Decimal("1.5"), ()),
    ]


def test_xls_order_request():
    workbook = read_table(DATA / "order_request.xls", "order_request.xls")

    assert workbook.format == "xls"
    assert [(s.name, s.row_count) for s in workbook.sheets] == [("Заявка", 7), ("Пустой", 0)]
    sheet = workbook.default_sheet
    mapping = propose_mapping(sheet)
    assert mapping.header_row_index == 3
    assert mapping.columns == {Role.BARCODE: 1, Role.NAME: 2, Role.QUANTITY: 3, Role.PRICE: 4}
    rows = extract_rows(sheet, mapping)
    assert summary(rows) == [
        (5, {"barcode": "4601234567893", "name": "Аспирин 500 мг №20"}, Decimal(10), ()),
        (
            6,
            {"barcode": "4607001234566", "name": "Бинт стерильный 7 м × 14 см"},
            Decimal("2.5"),
            (),
        ),
        (7, {"barcode": "46012345", "name": "Вата 100 г"}, Decimal(3), ()),
    ]
    assert [r.price for r in rows] == [Decimal("123.45"), Decimal(56), Decimal("78.9")]


def test_ods_with_numbers_and_dates():
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
    workbook = read_table(data, "order.ods")

    assert workbook.format == "ods"
    sheet = workbook.default_sheet
    assert sheet.rows[0] == ["Заказ от", "2024-06-03", "", ""]
    assert sheet.rows[3] == ["Р-1", 5, 10.5, "2024-06-10"]
    mapping = propose_mapping(sheet)
    assert (mapping.header_row_index, mapping.columns) == (
        2,
        {Role.ARTICLE: 0, Role.QUANTITY: 1, Role.PRICE: 2},
    )
    assert summary(extract_rows(sheet, mapping)) == [
        (4, {"article": "Р-1"}, Decimal(5), ()),
        (5, {"article": "Р-2"}, Decimal("2.5"), ()),
    ]


def test_an_xlsx_saved_under_an_xls_name_is_read_as_what_it_is():
    workbook = read_table(order_with_title_block(), "order.xls")
    assert workbook.format == "xlsx"
    assert workbook.default_sheet.name == "Заказ"


def test_a_path_and_an_open_file_read_like_bytes(tmp_path):
    path = tmp_path / "upload.tmp"
    path.write_bytes(order_with_title_block())
    from_path = read_table(path, "order.xlsx")
    with path.open("rb") as handle:
        from_handle = read_table(handle, "order.xlsx")
    assert from_path.default_sheet.rows == from_handle.default_sheet.rows
    assert from_path.default_sheet.rows[4][A] == "A-100"


def test_a_confirmed_mapping_can_be_given_by_hand():
    sheet = read_table(order_with_title_block(), "order.xlsx").default_sheet
    mapping = ColumnMapping(header_row_index=3, columns={Role.NAME: C, Role.QUANTITY: D})
    rows = extract_rows(sheet, mapping)
    assert [(r.row_number, r.identifiers) for r in rows][:2] == [
        (5, {"name": "Перчатки нитриловые M"}),
        (6, {"name": '=HYPERLINK("http://x","click")'}),
    ]


def test_a_one_column_csv_of_articles():
    workbook = read_table(csv_bytes(["Артикул", "A-1", "B-2, ред. 2", ""]), "list.csv")
    sheet = workbook.default_sheet
    assert sheet.rows == [["Артикул"], ["A-1"], ["B-2, ред. 2"]]
    mapping = propose_mapping(sheet)
    assert (mapping.header_row_index, mapping.columns) == (0, {Role.ARTICLE: 0})
    assert summary(extract_rows(sheet, mapping)) == [
        (2, {"article": "A-1"}, None, ()),
        (3, {"article": "B-2, ред. 2"}, None, ()),
    ]


def test_the_default_sheet_is_the_first_visible_one_with_data():
    data = xlsx_bytes(
        {"Скрытый": [["Артикул"], ["A-1"]], "Пустой": [], "Заказ": [["Артикул"], ["B-2"]]},
        hidden=("Скрытый",),
    )
    workbook = read_table(data, "order.xlsx")
    assert workbook.default_sheet.name == "Заказ"
    assert workbook.sheet("Скрытый").rows == [["Артикул"], ["A-1"]]
    with pytest.raises(KeyError):
        workbook.sheet("Нет такого")


@pytest.mark.parametrize(
    ("lines", "header_row"),
    [
        (["АС-500 10", "10-2030   25", "4600123 1000 шт"], None),
        (["Артикул Количество", "АС-500 10", "10-2030   25", "4600123 1000 шт"], 0),
    ],
)
def test_a_text_file_of_code_and_quantity_lines_gets_its_quantity_column(lines, header_row):
    workbook = read_table(csv_bytes(lines), "order.txt")
    sheet = workbook.default_sheet
    assert workbook.delimiter == " "
    assert sheet.rows[-3:] == [["АС-500", "10"], ["10-2030", "25"], ["4600123", "1000 шт"]]
    mapping = propose_mapping(sheet)
    assert (mapping.header_row_index, mapping.columns) == (
        header_row,
        {Role.ARTICLE: 0, Role.QUANTITY: 1},
    )
    assert [(row.identifiers, row.quantity) for row in extract_rows(sheet, mapping)] == [
        ({"article": "АС-500"}, 10),
        ({"article": "10-2030"}, 25),
        ({"article": "4600123"}, 1000),
    ]


def test_names_with_numbers_in_a_text_file_stay_whole():
    workbook = read_table(csv_bytes(["Бинт стерильный 7", "Шприц 5 мл 10"]), "list.txt")
    assert workbook.default_sheet.rows == [["Бинт стерильный 7"], ["Шприц 5 мл 10"]]


def test_quantities_1_2_3_right_of_the_articles_are_the_quantity():
    sheet = read_table(csv_bytes(["A-100;1", "B-200;2", "C-300;3"]), "o.csv").default_sheet
    assert propose_mapping(sheet).columns == {Role.ARTICLE: 0, Role.QUANTITY: 1}
    numbered = read_table(csv_bytes(["1;A-100", "2;B-200", "3;C-300"]), "o.csv").default_sheet
    assert propose_mapping(numbered).columns == {Role.ARTICLE: 1}  # a "№" column on the left


@pytest.mark.parametrize(
    ("data", "name", "sheet"),
    [
        (one_c_order_xlsx(), "order.xlsx", "TDSheet"),
        (order_with_title_block(), "order.xlsx", "Заказ"),
        ((DATA / "order_request.xls").read_bytes(), "order.xls", "Заявка"),
        (ods_bytes({"Лист1": [["", "Артикул", "Кол-во"], ["", "A-1", 2.5]]}), "o.ods", "Лист1"),
        (csv_bytes(["Артикул;Кол-во", "A-1;2"]), "order.csv", "any"),
    ],
)
def test_one_sheet_streams_row_by_row_as_the_whole_workbook_reads_it(data, name, sheet):
    streamed = read_sheet_rows(data, name, sheet)

    assert not isinstance(streamed, list)
    assert list(streamed) == read_table(data, name).sheet(sheet if sheet != "any" else "order").rows


def test_a_streamed_sheet_is_refused_as_the_workbook_is():
    data = xlsx_bytes({"Заказ": [["A-1", 1]] * 5})
    with pytest.raises(KeyError):
        list(read_sheet_rows(data, "order.xlsx", "Нет такого"))
    with pytest.raises(TooManyRowsError):
        list(read_sheet_rows(data, "order.xlsx", "Заказ", limits=ReadLimits(max_rows=3)))
    with pytest.raises(PasswordProtectedError):
        read_sheet_rows((DATA / "password_protected.xlsx").read_bytes(), "p.xlsx", "Sheet1")
