"""How the committed files in tests/data/ for the order-file reader were made.

They need writers the project does not depend on, so they were made once and committed:

    pip install --target /tmp/gen xlwt==1.3.0 msoffcrypto-tool==6.1.0
    PYTHONPATH=/tmp/gen:src python -m kabinet.imports.tests.make_data_files

- order_request.xls: an Excel 97–2003 order request (xlwt) with a merged title, a buyer line,
  a header "№ / Штрихкод / Наименование / Кол-во / Цена", three rows and a total line.
- order_after_instruction.xls: an Excel 97–2003 workbook whose first sheet "Инструкция" explains
  how to fill in the order (text, a numbered list) and whose second sheet "Заказ" is the order:
  "Артикул / Наименование / Количество", three rows.
- password_protected.xlsx: a one-cell XLSX encrypted with the password "secret"
  (msoffcrypto-tool): an OLE2 compound file with EncryptionInfo and EncryptedPackage streams.
"""

import io
from pathlib import Path

import xlsxwriter

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"

XLS_ROWS = [
    ["№", "Штрихкод", "Наименование", "Кол-во", "Цена"],
    [1, 4601234567893, "Аспирин 500 мг №20", 10, 123.45],
    [2, "4607001234566", "Бинт стерильный 7 м × 14 см", "2,5", 56],
    [3, 46012345, "Вата 100 г", 3, 78.9],
    ["", "", "Итого", 15.5, ""],
]


def make_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Заявка")
    sheet.write_merge(0, 0, 0, 4, "Заявка на поставку № 17 от 03.06.2024")
    sheet.write(1, 0, "Покупатель: ООО «Аптека Альфа», ИНН 7702345678")
    for offset, row in enumerate(XLS_ROWS):
        for column, value in enumerate(row):
            if value != "":
                sheet.write(3 + offset, column, value)
    book.add_sheet("Пустой")
    book.save(str(path))


INSTRUCTION_ROWS = [
    ["Как заполнить заказ"],
    [1, "На листе «Заказ» укажите артикул товара из каталога поставщика"],
    [2, "В столбце «Количество» укажите, сколько штук заказать"],
    [3, "Пустые строки и строки с нулевым количеством не заказываются"],
    ["Вопросы по заказу: менеджер Петрова, +7 495 123-45-67"],
]
ORDER_ROWS = [
    ["Артикул", "Наименование", "Количество"],
    ["АС-500", "Аспирин 500 мг №20", 10],
    ["10-2030", "Бинт стерильный 7 м × 14 см", 25],
    ["4600123", "Вата хирургическая 100 г", 6],
]


def make_xls_after_instruction(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in (("Инструкция", INSTRUCTION_ROWS), ("Заказ", ORDER_ROWS)):
        sheet = book.add_sheet(name)
        for row_index, row in enumerate(rows):
            for column, value in enumerate(row):
                sheet.write(row_index, column, value)
    book.save(str(path))


def make_password_protected_xlsx(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    workbook = xlsxwriter.Workbook(plain, {"in_memory": True})
    workbook.add_worksheet().write_string(0, 0, "Артикул")
    workbook.close()
    plain.seek(0)
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    path.write_bytes(encrypted.getvalue())


if __name__ == "__main__":
    make_xls(DATA / "order_request.xls")
    make_xls_after_instruction(DATA / "order_after_instruction.xls")
    make_password_protected_xlsx(DATA / "password_protected.xlsx")
