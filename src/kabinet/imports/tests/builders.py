"""Order files shaped like the ones partners send, made in memory for the tests."""

import datetime
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"


def xlsx_bytes(sheets: dict[str, list[list]], *, merges=None, hidden=(), formulas=()) -> bytes:
    """An XLSX with a sheet per item; each cell written as its type (a str stays a string even
    when it starts with "="). `merges`: {sheet: [(first_row, first_col, last_row, last_col)]}
    over cells already written; `formulas`: [(sheet, row, col, formula, cached value)]."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for name, rows in sheets.items():
        worksheet = workbook.add_worksheet(name)
        if name in hidden:
            worksheet.hide()
        for row_index, row in enumerate(rows):
            for col_index, value in enumerate(row):
                _write(worksheet, row_index, col_index, value, date_format)
        for first_row, first_col, last_row, last_col in (merges or {}).get(name, ()):
            value = rows[first_row][first_col] if first_row < len(rows) else ""
            worksheet.merge_range(first_row, first_col, last_row, last_col, None)
            _write(worksheet, first_row, first_col, value, date_format)
    for name, row, col, formula, cached in formulas:
        workbook.get_worksheet_by_name(name).write_formula(row, col, formula, None, cached)
    visible = [sheet for sheet in workbook.worksheets() if sheet.name not in hidden]
    if visible:
        visible[0].activate()  # Excel cannot hide the active sheet: make a visible one active
    workbook.close()
    return buffer.getvalue()


def _write(worksheet, row, col, value, date_format):
    if value is None or value == "":
        return
    if isinstance(value, str):
        worksheet.write_string(row, col, value)
    elif isinstance(value, datetime.date):
        worksheet.write_datetime(row, col, value, date_format)
    else:
        worksheet.write_number(row, col, value)


def order_with_title_block() -> bytes:
    rows = [
        ["Заявка на поставку товаров"],
        ["Клиент: ООО «Бета», Тверь"],
        [],
        ["Код товара", "Штрих-код", "Наименование", "Кол-во, шт", "Цена, руб.", "Сумма"],
        ["A-100", 4601234567893, "Перчатки нитриловые M", "10 шт", "1 250,50", ""],
        ["A-101", "", '=HYPERLINK("http://x","click")', 2, "", ""],
        ["00123", "", "Маска медицинская", "abc", "", ""],
        ["A-103", "", "Шприц 5 мл", 0, "", ""],
        [],
        ["A-104", "", "Бахилы", "1 000,5", "", ""],
        ["", "", "Итого", 1012.5, "", 13000],
        ["", "", "", "", "", ""],
        ["Менеджер: Петрова"],
    ]
    return xlsx_bytes(
        {
            "Инструкция": [],
            "Заказ": rows,
            "Прайс": [["Артикул", "Цена"], ["A-100", 1250.5]],
        },
        merges={"Заказ": [(0, 0, 0, 5), (1, 0, 1, 5)]},
        hidden=("Прайс",),
    )


ONE_C_TITLE = "Заказ поставщику № 123 от 5 мая 2024 г."
ONE_C_SUPPLIER = "ООО «Ромашка», ИНН 7701234567, КПП 770101001, 123456, Москва, ул. Ленина, д. 1"
ONE_C_BUYER = "ООО «Аптека Альфа», ИНН 7702345678, КПП 770201001, Тверь, пр. Мира, д. 5"


def one_c_order_xlsx() -> bytes:
    """A 1C "Заказ поставщику" printed form saved as XLSX: a margin column A, the title and the
    supplier/buyer block merged across the page, the table (the goods column merged over D:G),
    the totals, the amount in words and the signatures."""
    empty = [""] * 11
    rows = [list(empty) for _ in range(18)]
    rows[1][1] = ONE_C_TITLE
    rows[3][1], rows[3][3] = "Поставщик:", ONE_C_SUPPLIER
    rows[4][1], rows[4][3] = "Покупатель:", ONE_C_BUYER
    header = ["№", "Артикул", "Товары (работы, услуги)", "", "", "", "Количество", "Ед.", "Цена"]
    rows[6][1:11] = [*header, "Сумма"]
    items = [
        [1, "АС-500", "Аспирин 500 мг №20", 10, "шт", 123.45, 1234.5],
        [2, "10-2030", "Бинт стерильный 7 м × 14 см", 25, "уп", 56, 1400],
        [3, 4600123, "Вата хирургическая 100 г", 1000, "шт", 9.9, 9900],
    ]
    for offset, (number, article, name, quantity, unit, price, amount) in enumerate(items):
        rows[7 + offset][1:4] = [number, article, name]
        rows[7 + offset][7:11] = [quantity, unit, price, amount]
    rows[10][9], rows[10][10] = "Итого:", 12534.5
    rows[11][9], rows[11][10] = "В том числе НДС:", 2089.08
    rows[12][1] = "Всего наименований 3, на сумму 12 534,50 руб."
    rows[13][1] = "Двенадцать тысяч пятьсот тридцать четыре рубля 50 копеек"
    rows[15][1], rows[15][6] = "Руководитель", "Бухгалтер"
    merges = [(1, 1, 1, 10), (3, 3, 3, 10), (4, 3, 4, 10), (12, 1, 12, 10), (13, 1, 13, 10)]
    merges += [(row, 3, row, 6) for row in range(6, 10)]
    return xlsx_bytes({"TDSheet": rows}, merges={"TDSheet": merges})


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def ods_bytes(sheets: dict[str, list[list]], *, manifest_extra: str = "") -> bytes:
    """An ODS as LibreOffice lays it out: "mimetype" first and stored, then the XML parts."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">{"".join(_ods_row(row) for row in rows)}'
        "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {_ODS_NAMESPACES} '
        f'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{ODS_MIMETYPE}"/><manifest:file-entry '
        f'manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
        "</manifest:file-entry></manifest:manifest>"
    )
    return zip_bytes(
        [("mimetype", ODS_MIMETYPE), ("META-INF/manifest.xml", manifest), ("content.xml", content)]
    )


def _ods_row(row: list) -> str:
    return f"<table:table-row>{''.join(_ods_cell(value) for value in row)}</table:table-row>"


def _ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d.%m.%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )


def zip_bytes(entries: list[tuple[str, str | bytes]]) -> bytes:
    """A zip of (name, content); "mimetype" is stored, everything else deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=method)
    return buffer.getvalue()


def xlsx_with_part(name: str, content: bytes, base: bytes | None = None) -> bytes:
    """A real XLSX with one part replaced (or added)."""
    base = base or xlsx_bytes({"Лист1": [["Артикул", "Количество"], ["A-1", 1]]})
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    parts = [(part, data) for part, data in parts if part != name] + [(name, content)]
    return zip_bytes(parts)


def csv_bytes(lines: list[str], *, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)
