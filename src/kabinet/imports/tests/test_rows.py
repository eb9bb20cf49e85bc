"""Quantities, order rows from a mapped sheet, the paste box and safe re-export of cells."""

from decimal import Decimal

import pytest
from django.utils import translation

from kabinet.imports.reading import (
    ColumnMapping,
    Role,
    RowIssue,
    Sheet,
    cell_text_safe,
    extract_rows,
    identifier_text,
    parse_pasted_text,
    parse_quantity,
)
from kabinet.imports.reading.headers import is_total_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10 шт", Decimal(10)),
        ("10шт.", Decimal(10)),
        ("1 000,5", Decimal("1000.5")),
        ("1\u00a0000,5", Decimal("1000.5")),  # non-breaking space, as Excel formats thousands
        ("1\u202f000", Decimal(1000)),
        ("10,00", Decimal(10)),
        ("1.234,50", Decimal("1234.5")),
        ("1,234.50", Decimal("1234.5")),
        ("1.234.567", Decimal(1234567)),
        ("0,5", Decimal("0.5")),
        ("2.5", Decimal("2.5")),
        (" 7 ", Decimal(7)),
        ("-3", Decimal(-3)),
        ("−3", Decimal(-3)),  # a typographic minus
        (12, Decimal(12)),
        (2.3, Decimal("2.3")),
        (0.1 + 0.2, Decimal("0.30000000000000004")),
        ("", None),
        ("   ", None),
        ("—", None),
        (None, None),
    ],
)
def test_quantities_written_the_way_people_write_them(value, expected):
    assert parse_quantity(value) == expected
    if expected is not None:
        assert str(parse_quantity(value)) == str(expected)


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "10 20",
        "1,2,3",
        "1e5",
        "1.234 567,5",
        "10 шт 5",
        True,
        float("nan"),
        "10 " + "a" * 40 + "1",  # once took minutes: nested quantifiers in the unit pattern
    ],
)
def test_text_that_is_not_a_quantity_is_an_error(value):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for logs only
        parse_quantity(value)


def rows_of(rows, columns, header_row_index=0):
    sheet = Sheet(name="Лист1", rows=rows)
    return extract_rows(sheet, ColumnMapping(header_row_index, columns))


ARTICLE_NAME_QUANTITY = {Role.ARTICLE: 0, Role.NAME: 1, Role.QUANTITY: 2}


def test_total_lines_are_skipped_but_a_product_called_total_is_kept():
    rows = rows_of(
        [
            ["Артикул", "Наименование", "Количество"],
            ["TC-1", "Total Clean спрей", 2],
            ["", "Итого по группе:", 2],
            ["", "Всего", 2],
            ["Total", "", 2],
            ["", "ИТОГО", ""],
            ["A-2", "Бинт", 1],
        ],
        ARTICLE_NAME_QUANTITY,
    )
    assert [(r.row_number, r.identifiers) for r in rows] == [
        (2, {Role.ARTICLE: "TC-1", Role.NAME: "Total Clean спрей"}),
        (7, {Role.ARTICLE: "A-2", Role.NAME: "Бинт"}),
    ]


def test_a_repeated_header_and_the_notes_below_the_last_total_are_skipped():
    rows = rows_of(
        [
            ["Артикул", "Наименование", "Количество"],
            ["A-1", "Бинт", 1],
            ["Артикул", "Наименование", "Количество"],
            ["A-2", "Вата", 2],
            ["Итого", "", 3],
            ["Отпустил: Иванов", "", ""],
            ["A-3", "Пластырь", 4],
        ],
        ARTICLE_NAME_QUANTITY,
    )
    assert [(r.row_number, r.identifiers[Role.ARTICLE], r.quantity) for r in rows] == [
        (2, "A-1", 1),
        (4, "A-2", 2),
        (7, "A-3", 4),
    ]


def test_row_issues_and_what_a_row_keeps_for_the_report():
    rows = rows_of(
        [
            ["Штрихкод", "Кол-во", "Цена", "Ед."],
            ["4 601234 567893", "2 уп", "1 250,50", "уп"],
            ["", 5, "", ""],
            ["4601234567893", "много", "", ""],
            ["'04601234567893", -1, "по запросу", ""],
            ["4607001234566", "", "", ""],
        ],
        {Role.BARCODE: 0, Role.QUANTITY: 1, Role.PRICE: 2, Role.UNIT: 3},
    )
    first = rows[0]
    assert first.cells == ("4 601234 567893", "2 уп", "1 250,50", "уп")
    assert (first.identifiers, first.quantity, first.quantity_text) == (
        {Role.BARCODE: "4601234567893"},
        Decimal(2),
        "2 уп",
    )
    assert (first.price, first.unit, first.issues, first.ok) == (Decimal("1250.5"), "уп", (), True)
    assert [(r.row_number, r.quantity, r.issues, r.price) for r in rows[1:]] == [
        (3, Decimal(5), (RowIssue.NO_IDENTIFIER,), None),
        (4, None, (RowIssue.BAD_QUANTITY,), None),
        (5, Decimal(-1), (RowIssue.NON_POSITIVE_QUANTITY,), None),
        (6, None, (), None),  # an empty quantity: the caller decides (a price list sent back)
    ]
    assert rows[3].identifiers == {Role.BARCODE: "04601234567893"}
    with translation.override("en"):
        assert [str(issue.label) for issue in RowIssue] == [
            "The quantity is not a number",
            "The quantity is zero or negative",
            "No article, code or name",
        ]
    assert RowIssue.BAD_QUANTITY == "bad quantity"


@pytest.mark.parametrize(
    ("line", "code", "quantity"),
    [
        ("ABC-123 10", "ABC-123", Decimal(10)),
        ("ABC-123;10", "ABC-123", Decimal(10)),
        ("ABC-123\t10", "ABC-123", Decimal(10)),
        ("ABC-123 x 10", "ABC-123", Decimal(10)),
        ("ABC-123 х10", "ABC-123", Decimal(10)),  # a Cyrillic "х"
        ("ABC-123*10", "ABC-123", Decimal(10)),
        ("ABC-123, 10", "ABC-123", Decimal(10)),
        ("ABC-123 10 шт", "ABC-123", Decimal(10)),
        ("ABC-123 2,5", "ABC-123", Decimal("2.5")),
        ("ABC-123", "ABC-123", Decimal(1)),
        ("MAX10", "MAX10", Decimal(1)),
        ("4601234567893", "4601234567893", Decimal(1)),
        ("Болт М8 20", "Болт М8", Decimal(20)),
        ("  A-1 ;  3 ", "A-1", Decimal(3)),
        ("A-1;Бинт;3", "A-1", Decimal(3)),
    ],
)
def test_pasted_lines(line, code, quantity):
    [row] = parse_pasted_text(line)
    assert (row.identifiers, row.quantity, row.issues) == ({Role.ARTICLE: code}, quantity, ())


def test_pasted_text_keeps_line_numbers_and_flags_bad_quantities():
    rows = parse_pasted_text("A-1 2\n\n  \nA-2;abc\r\nA-3 0\n;5\n")
    assert [(r.row_number, r.identifiers, r.quantity, r.issues) for r in rows] == [
        (1, {Role.ARTICLE: "A-1"}, Decimal(2), ()),
        (4, {Role.ARTICLE: "A-2"}, None, (RowIssue.BAD_QUANTITY,)),
        (5, {Role.ARTICLE: "A-3"}, Decimal(0), (RowIssue.NON_POSITIVE_QUANTITY,)),
        (6, {}, Decimal(5), (RowIssue.NO_IDENTIFIER,)),
    ]
    assert rows[1].cells == ("A-2", "abc")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+7 (495) 123-45-67", "'+7 (495) 123-45-67"),
        ("-A-1", "'-A-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("-5", "-5"),
        ("+3,5", "+3,5"),
        ("A-1", "A-1"),
        ("", ""),
        (None, ""),
        (12, 12),
        (Decimal("1.5"), Decimal("1.5")),
        (True, "True"),
    ],
)
def test_cells_written_back_are_never_formulas(value, safe):
    assert cell_text_safe(value) == safe


@pytest.mark.parametrize(
    ("value", "text"),
    [(4601234567893, "4601234567893"), (12.5, "12.5"), ("'00123", "00123"), (" A\u00a01 ", "A 1")],
)
def test_identifier_text(value, text):
    assert identifier_text(value) == text


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Итого:", True),
        ("ИТОГО по группе", True),
        ("  Всего к оплате", True),
        ("Всего наименований 3, на сумму 12 534,50 руб.", True),
        ("В том числе НДС:", True),
        ("в т.ч. НДС", True),
        ("Без налога (НДС)", True),
        ("Total", True),
        ("Subtotal:", True),
        ("Итоговая цена", False),
        ("Totally", False),
        ("Бинт", False),
        (12, False),
    ],
)
def test_total_line_texts(text, total):
    assert is_total_text(text) is total
