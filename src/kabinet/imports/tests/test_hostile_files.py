"""Hostile and broken files get their own error and a clear message, never a crash (D5)."""

import contextlib
import io
import pickle
import random
import struct
import zipfile

import pytest
import xlsxwriter
from django.utils import translation

from kabinet.imports.reading import (
    BinaryTextFileError,
    ContentMismatchError,
    CorruptFileError,
    EmptyFileError,
    FileReadError,
    FileTooLargeError,
    PasswordProtectedError,
    ReadLimits,
    SheetTooLargeError,
    TooManyRowsError,
    UnsupportedFormatError,
    XmlEntityError,
    ZipBombError,
    read_table,
)
from kabinet.imports.tests.builders import (
    DATA,
    csv_bytes,
    ods_bytes,
    one_c_order_xlsx,
    xlsx_bytes,
    xlsx_with_part,
    zip_bytes,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'.encode()
        for n in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def refused(error_class, data, filename, limits=None):
    """The error `read_table` raises, checked to be exactly of `error_class`, in English."""
    with pytest.raises(FileReadError) as caught:
        read_table(data, filename, **({"limits": limits} if limits else {}))
    assert type(caught.value) is error_class
    with translation.override("en"):
        return str(caught.value)


def test_zip_bomb_xlsx_is_refused_before_it_is_inflated():
    bomb = xlsx_with_part("xl/worksheets/sheet1.xml", SHEET_START + b" " * (30 << 20) + SHEET_END)
    assert len(bomb) < 50_000
    message = refused(ZipBombError, bomb, "bomb.xlsx")
    assert message == (
        "The file was refused for safety: its packed content unpacks to an unusually large "
        "amount of data. If it is a real spreadsheet, split it into smaller files."
    )


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with the uncompressed size of `name` rewritten in both of its headers."""
    patched = bytearray(data)
    encoded = name.encode()
    local = patched.index(b"PK\x03\x04")
    while patched[local + 30 : local + 30 + len(encoded)] != encoded:
        local = patched.index(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", patched, local + 22, size)
    central = patched.index(b"PK\x01\x02")
    while patched[central + 46 : central + 46 + len(encoded)] != encoded:
        central = patched.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


def test_zip_bomb_lying_about_its_size_is_caught_while_inflating():
    bomb = xlsx_with_part("xl/worksheets/sheet1.xml", SHEET_START + b" " * (30 << 20) + SHEET_END)
    liar = declare_size(bomb, "xl/worksheets/sheet1.xml", 1_000)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    refused(ZipBombError, liar, "bomb.xlsx")


def test_zip_with_more_parts_than_a_workbook_has_is_refused():
    base = xlsx_bytes({"Лист1": [["Артикул"], ["A-1"]]})
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    parts += [(f"xl/media/image{n}.png", PNG) for n in range(2_001)]
    refused(ZipBombError, zip_bytes(parts), "many.xlsx")


def test_unzipped_size_limit_is_configurable():
    data = one_c_order_xlsx()
    refused(ZipBombError, data, "order.xlsx", ReadLimits(max_unzipped_bytes=10_000))


def test_billion_laughs_in_shared_strings_is_refused():
    message = refused(
        XmlEntityError, xlsx_with_part("xl/sharedStrings.xml", BILLION_LAUGHS), "lol.xlsx"
    )
    assert message == (
        "The file was refused for safety: it contains XML declarations that spreadsheet "
        "programs never write. Open it in your spreadsheet program and save it again."
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_external_entity_in_the_workbook_xml_is_refused(encoding):
    workbook_xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheets><sheet name="&xxe;" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode(encoding)
    refused(XmlEntityError, xlsx_with_part("xl/workbook.xml", workbook_xml), "xxe.xlsx")


def test_entity_declaration_in_an_ods_is_refused():
    data = ods_bytes({"Лист1": [["Артикул"], ["A-1"]]})
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    parts = [
        (name, content.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY e "e">]>', 1))
        if name == "content.xml"
        else (name, content)
        for name, content in parts
    ]
    refused(XmlEntityError, zip_bytes(parts), "order.ods")


def test_png_named_xlsx_is_refused_as_a_content_mismatch():
    message = refused(ContentMismatchError, PNG + bytes(200), "photo.xlsx")
    assert message == (
        "The file “photo.xlsx” is named as .xlsx, but its content is an image. "
        "Save it again in the format its name says."
    )


def test_xlsx_named_csv_is_refused_as_a_content_mismatch():
    message = refused(ContentMismatchError, one_c_order_xlsx(), "order.csv")
    assert message == (
        "The file “order.csv” is named as .csv, but its content is an Excel workbook (XLSX). "
        "Save it again in the format its name says."
    )


HTML_TABLE = b"<html><body><table><tr><td>1</td></tr></table></body></html>"
DOCX = zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w/>")])


@pytest.mark.parametrize(
    ("data", "filename", "actual"),
    [
        (HTML_TABLE, "price.xls", "a web page (HTML)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "order.xlsx", "a PDF document"),
        (DOCX, "order.xlsx", "another kind of office document"),
        (zip_bytes([("readme.txt", "hello")]), "order.ods", "a ZIP archive"),
        (b"\xef\xbb\xbfArticle;Qty\r\nA-1;2\r\n", "order.xlsx", "plain text (CSV)"),
        ((DATA / "order_request.xls").read_bytes(), "order.txt", "an Excel 97–2003 workbook (XLS)"),
    ],
)
def test_other_content_behind_the_extension_is_named(data, filename, actual):
    message = refused(ContentMismatchError, data, filename)
    assert f", but its content is {actual}." in message


def test_binary_file_named_csv_is_refused():
    message = refused(BinaryTextFileError, bytes(range(256)) * 8, "data.csv")
    assert message == (
        "The file “data.csv” is named as .csv, but it is not a text file. Save it again as CSV."
    )
    assert issubclass(BinaryTextFileError, ContentMismatchError)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "order.xlsx"),
        (b"", "order.csv"),
        (b"\xef\xbb\xbf", "order.csv"),
        (b" \r\n;;\r\n\r\n", "order.csv"),
        (xlsx_bytes({"Лист1": [], "Лист2": [["", ""]]}), "order.xlsx"),
    ],
)
def test_empty_files_and_files_without_data_are_refused(data, filename):
    message = refused(EmptyFileError, data, filename)
    assert message == "The file has no data: it is empty or its sheets have no filled cells."


@pytest.mark.parametrize("filename", ["secret.xlsx", "secret.xls"])
def test_password_protected_xlsx_is_refused_as_such(filename):
    data = (DATA / "password_protected.xlsx").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    message = refused(PasswordProtectedError, data, filename)
    assert message == (
        "The file is password-protected. Save a copy without the password and upload that copy."
    )


def test_password_protected_ods_is_refused_as_such():
    encryption = '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
    refused(
        PasswordProtectedError, ods_bytes({"Лист1": [["x"]]}, manifest_extra=encryption), "a.ods"
    )


def test_over_the_size_limit_is_refused_before_reading(tmp_path):
    data = b"A;1\n" * (5 * 1024 * 1024) + b"x"
    message = refused(FileTooLargeError, data, "big.csv")
    assert message == "The file is too large (20.1 MB): the limit is 20.0 MB."
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    refused(FileTooLargeError, path, "big.csv")
    refused(FileTooLargeError, one_c_order_xlsx(), "order.xlsx", ReadLimits(max_bytes=1024))


def test_csv_over_the_row_limit_is_refused():
    lines = ["Артикул;Количество"] + [f"A-{n};1" for n in range(100_000)]
    assert len(lines) == 100_001
    message = refused(TooManyRowsError, csv_bytes(lines), "big.csv")
    assert message == (
        "There are more than 100000 rows in “big.csv”. Split the file into smaller ones."
    )
    assert read_table(csv_bytes(lines[:-1]), "fits.csv").default_sheet.row_count == 100_000


def test_xlsx_over_the_row_limit_is_refused():
    data = xlsx_bytes({"Заказ": [["Артикул"]] + [[f"A-{n}"] for n in range(10)]})
    message = refused(TooManyRowsError, data, "order.xlsx", ReadLimits(max_rows=10))
    assert message == "There are more than 10 rows in “Заказ”. Split the file into smaller ones."
    assert read_table(data, "order.xlsx", limits=ReadLimits(max_rows=11)).sheets[0].row_count == 11


def test_unknown_extension_is_refused():
    message = refused(UnsupportedFormatError, b"anything", "order.pdf")
    assert message == (
        "Files of this type (.pdf) cannot be read. Upload an XLSX, XLS, ODS or CSV file."
    )


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (one_c_order_xlsx()[:3000], "cut.xlsx"),
        (b"PK\x03\x04" + bytes(100), "junk.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000), "junk.xls"),
        (xlsx_with_part("xl/worksheets/sheet1.xml", SHEET_START + b"<row><c r="), "bad.xlsx"),
    ],
)
def test_corrupt_files_are_refused_with_a_clear_message(data, filename):
    message = refused(CorruptFileError, data, filename)
    assert message == (
        "The file is damaged and cannot be read. Open it in your spreadsheet program, "
        "save it again and upload the new copy."
    )


@pytest.mark.parametrize(
    ("source", "filename"),
    [
        (one_c_order_xlsx, "order.xlsx"),
        (lambda: (DATA / "order_request.xls").read_bytes(), "order.xls"),
        (lambda: ods_bytes({"Лист1": [["Артикул", "Кол-во"], ["A-1", 2]]}), "order.ods"),
    ],
)
def test_damaged_copies_of_real_files_never_raise_anything_but_file_read_errors(source, filename):
    original = source()
    chance = random.Random(20240603)
    for _ in range(40):
        damaged = bytearray(original)
        for _ in range(chance.randint(1, 8)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        cut = chance.choice([len(damaged), chance.randrange(len(damaged))])
        with contextlib.suppress(FileReadError):
            read_table(bytes(damaged[:cut]), filename)


SHEET_TOO_LARGE = (
    "The file was refused: a sheet in it is too large to read. Delete the unused rows and "
    "columns at its far end or split the file into smaller ones."
)


def test_a_stray_cell_in_the_last_row_and_column_does_not_take_the_server_down():
    """The reader would allocate 17 billion cells and abort its process: only the child's."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Артикул", "Количество"])
    sheet.write_string(1_048_575, 16_383, "x")
    workbook.close()
    assert refused(SheetTooLargeError, buffer.getvalue(), "far.xlsx") == SHEET_TOO_LARGE


def test_a_forged_xls_dimensions_record_does_not_take_the_server_down():
    data = bytearray((DATA / "order_request.xls").read_bytes())
    dimensions = data.index(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes: first row, last row…
    data[dimensions + 5] = 0x9E  # first row 40,448, past the last one
    assert refused(SheetTooLargeError, bytes(data), "order.xls") == SHEET_TOO_LARGE


def test_the_cell_limit_is_configurable():
    data = xlsx_bytes({"Лист1": [["Артикул", "Количество"], ["A-1", 1], ["A-2", 2]]})
    refused(SheetTooLargeError, data, "order.xlsx", ReadLimits(max_cells=5))
    assert read_table(data, "order.xlsx", limits=ReadLimits(max_cells=6)).sheets[0].row_count == 3


def test_errors_survive_a_trip_through_a_task_queue():
    error = TooManyRowsError(sheet="Заказ", limit=10)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.params, copy.code) == (TooManyRowsError, error.params, "too_many_rows")
    with translation.override("en"):
        assert copy.message == str(error)
