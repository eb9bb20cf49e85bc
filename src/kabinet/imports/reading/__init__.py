"""Reading an order file or pasted text into rows — the pure half of quick order (C3, C4, D).

File in, rows and a proposed column mapping out; no database. The matcher, the report, the
cart and the pages build on this API:

    workbook = read_table(upload, upload.name)          # FileReadError → show error.message
    sheet = workbook.default_sheet                       # or workbook.sheet(name)
    mapping = propose_mapping(sheet)                     # confirm with the user
    signature = layout_signature(sheet, mapping)         # remember the confirmed mapping
    rows = extract_rows(sheet, mapping)                  # list[SourceRow]
    rows = iter_rows(sheet.rows, mapping)                # the same, one at a time
    rows = iter_rows(read_sheet_rows(upload, upload.name, name), mapping)  # never all in memory

    rows = parse_pasted_text(textarea)                   # the "add by article" box
"""

from kabinet.imports.reading.errors import (
    BinaryTextFileError,
    ContentMismatchError,
    CorruptFileError,
    EmptyFileError,
    FileReadError,
    FileTooLargeError,
    PasswordProtectedError,
    SheetTooLargeError,
    TooManyRowsError,
    UnsupportedFormatError,
    XmlEntityError,
    ZipBombError,
)
from kabinet.imports.reading.headers import HEADER_SYNONYMS, IDENTIFIER_ROLES, Role
from kabinet.imports.reading.mapping import (
    ColumnMapping,
    column_letter,
    layout_signature,
    propose_mapping,
)
from kabinet.imports.reading.rows import (
    RowIssue,
    SourceRow,
    extract_rows,
    iter_rows,
    parse_pasted_text,
)
from kabinet.imports.reading.values import (
    Cell,
    cell_text_safe,
    identifier_text,
    parse_number,
    parse_quantity,
)
from kabinet.imports.reading.workbook import (
    DEFAULT_LIMITS,
    EXTENSIONS,
    ReadLimits,
    Sheet,
    Workbook,
    read_sheet_rows,
    read_table,
)

__all__ = [
    "DEFAULT_LIMITS",
    "EXTENSIONS",
    "HEADER_SYNONYMS",
    "IDENTIFIER_ROLES",
    "BinaryTextFileError",
    "Cell",
    "ColumnMapping",
    "ContentMismatchError",
    "CorruptFileError",
    "EmptyFileError",
    "FileReadError",
    "FileTooLargeError",
    "PasswordProtectedError",
    "ReadLimits",
    "Role",
    "RowIssue",
    "Sheet",
    "SheetTooLargeError",
    "SourceRow",
    "TooManyRowsError",
    "UnsupportedFormatError",
    "Workbook",
    "XmlEntityError",
    "ZipBombError",
    "cell_text_safe",
    "column_letter",
    "extract_rows",
    "identifier_text",
    "iter_rows",
    "layout_signature",
    "parse_number",
    "parse_pasted_text",
    "parse_quantity",
    "propose_mapping",
    "read_sheet_rows",
    "read_table",
]
