"""`read_table`: a file's bytes in, a `Workbook` of sheets of rows out (D1, D5).

Pure: no database, no request. A failure is always one of the `FileReadError` subclasses with
a message for the user, never an exception from a parser library.
"""

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kabinet.imports.reading import container, errors, spreadsheet
from kabinet.imports.reading.text import read_text_table
from kabinet.imports.reading.values import Cell, cell_is_empty

_MB = 1024 * 1024
_READ_CHUNK = _MB


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What a file may hold before it is refused (D5). The defaults suit an order file."""

    max_bytes: int = 20 * _MB
    max_rows: int = 100_000
    # Zipped workbooks (XLSX, ODS): what the parts may inflate to in total, how much better than
    # this ratio no part over 1 MB may compress (real sheets: 10–25×, bombs: 1,000×), and how
    # many parts there may be.
    max_unzipped_bytes: int = 250 * _MB
    max_compression_ratio: int = 100
    max_zip_entries: int = 2_000
    # A sheet's used range (rows × columns up to its last filled cell), and what the reader
    # process may use: it runs apart (see `spreadsheet`), so a sheet that breaks these costs
    # that process only.
    max_cells: int = 5_000_000
    parser_memory_bytes: int = 2048 * _MB
    parser_seconds: int = 60


DEFAULT_LIMITS = ReadLimits()

# File name extension → the kind of content it promises.
EXTENSIONS = {
    ".xlsx": container.XLSX,
    ".xlsm": container.XLSX,
    ".xls": container.XLS,
    ".ods": container.ODS,
    ".csv": container.TEXT,
    ".txt": container.TEXT,
    ".tsv": container.TEXT,
}


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet. `rows[i]` is row i + 1 as the user sees it, `rows[i][j]` is column j (A = 0);
    empty cells are "". Spreadsheet rows all have the sheet's width; CSV rows are as long as
    their records."""

    name: str
    rows: list[list[Cell]]
    hidden: bool = False
    row_count: int = field(init=False)

    def __post_init__(self):
        filled = sum(1 for row in self.rows if not all(cell_is_empty(cell) for cell in row))
        object.__setattr__(self, "row_count", filled)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


@dataclass(frozen=True, slots=True)
class Workbook:
    """What `read_table` found. `format` is what the content is ("xlsx", "xls", "ods", "csv"),
    whatever the name said; `encoding` and `delimiter` are set for CSV/TXT only."""

    filename: str
    format: str
    sheets: tuple[Sheet, ...]
    default_index: int
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def default_sheet(self) -> Sheet:
        """The first visible sheet with data (the first with data when all are hidden)."""
        return self.sheets[self.default_index]

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)


def read_table(
    data: bytes | str | os.PathLike | BinaryIO,
    filename: str,
    *,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Workbook:
    """Read an uploaded XLSX, XLS, ODS, CSV or TXT file into sheets of cells.

    `data` is the content, a path, or an open binary file (an `UploadedFile`); `filename` is the
    name the user gave it (its extension is what the content must match). Raises a
    `FileReadError` subclass when the file is refused; its `message` is for the user.
    """
    extension = Path(filename).suffix.lower()
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise errors.UnsupportedFormatError(extension=extension or filename)
    content = _load(data, limits)
    if not content.strip(b" \t\r\n\x00"):
        raise errors.EmptyFileError()
    sniffed = container.sniff(content)
    _check_kind(sniffed, expected, filename, extension)
    if sniffed.kind == container.TEXT:
        table = read_text_table(content, sheet_name=filename, max_rows=limits.max_rows)
        sheets = (Sheet(name=Path(filename).stem, rows=table.rows),)
        return _workbook(filename, "csv", sheets, encoding=table.encoding, delim=table.delimiter)
    if sniffed.kind in (container.XLSX, container.ODS):
        container.check_zip(content, limits)
    return _workbook(filename, sniffed.kind, _read_spreadsheet(content, limits))


def read_sheet_rows(
    data: bytes | str | os.PathLike | BinaryIO,
    filename: str,
    sheet_name: str,
    *,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Iterator[list[Cell]]:
    """The rows of one sheet of a file, one at a time, as `read_table(...).sheet(name).rows`
    gives them (but for empty rows at its end): for checking a large file with no more of it
    in memory than the rows being checked. A CSV/TXT has one sheet, whatever `sheet_name`.

    Checks the file as `read_table` does; a `FileReadError` may come before the first row or
    after many. `KeyError` when the workbook has no such sheet."""
    extension = Path(filename).suffix.lower()
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise errors.UnsupportedFormatError(extension=extension or filename)
    content = _load(data, limits)
    if not content.strip(b" \t\r\n\x00"):
        raise errors.EmptyFileError()
    sniffed = container.sniff(content)
    _check_kind(sniffed, expected, filename, extension)
    if sniffed.kind == container.TEXT:
        table = read_text_table(content, sheet_name=filename, max_rows=limits.max_rows)
        del content
        return iter(table.rows)
    if sniffed.kind in (container.XLSX, container.ODS):
        container.check_zip(content, limits)
    return spreadsheet.iter_sheet_rows(content, limits, sheet_name)


def _load(data, limits: ReadLimits) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    elif isinstance(data, str | os.PathLike):
        size = os.stat(data).st_size
        if size > limits.max_bytes:
            raise errors.FileTooLargeError(**_sizes(size, limits))
        content = Path(data).read_bytes()
    else:
        content = _read_bounded(data, limits)
    if len(content) > limits.max_bytes:
        raise errors.FileTooLargeError(**_sizes(len(content), limits))
    return content


def _read_bounded(handle: BinaryIO, limits: ReadLimits) -> bytes:
    """At most one byte more than the limit, a chunk at a time: `read(limit + 1)` would take
    a buffer of the limit's size (20 MB) for any file, however small."""
    chunks, size = [], 0
    while size <= limits.max_bytes:
        chunk = handle.read(min(_READ_CHUNK, limits.max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _sizes(size: int, limits: ReadLimits) -> dict:
    # Rounded up, so that a file just over the limit never reads as being at it.
    return {
        "size_mb": math.ceil(size * 10 / _MB) / 10,
        "limit_mb": round(limits.max_bytes / _MB, 1),
    }


def _check_kind(sniffed: container.Sniffed, expected: str, filename: str, extension: str):
    """A CSV must be text; a spreadsheet name accepts any spreadsheet we read (an XLSX saved
    as .xls is common and safe: the checks for what it really is apply)."""
    if sniffed.kind == expected:
        return
    if expected in container.SPREADSHEET_KINDS and sniffed.kind in container.SPREADSHEET_KINDS:
        return
    if expected == container.TEXT and sniffed.actual is errors.ACTUAL_BINARY:
        raise errors.BinaryTextFileError(filename=filename, extension=extension)
    raise errors.ContentMismatchError(filename=filename, extension=extension, actual=sniffed.actual)


def _workbook(filename, file_format, sheets, *, encoding=None, delim=None) -> Workbook:
    filled = [index for index, sheet in enumerate(sheets) if sheet.row_count]
    if not filled:
        raise errors.EmptyFileError()
    visible = [index for index in filled if not sheets[index].hidden]
    return Workbook(
        filename=filename,
        format=file_format,
        sheets=tuple(sheets),
        default_index=(visible or filled)[0],
        encoding=encoding,
        delimiter=delim,
    )


def _read_spreadsheet(content: bytes, limits: ReadLimits) -> list[Sheet]:
    """Every worksheet's cells; cached values of formulas, never the formulas."""
    return [
        Sheet(name=sheet["name"], rows=_trimmed(sheet["rows"]), hidden=sheet["hidden"])
        for sheet in spreadsheet.read_workbook(content, limits)
    ]


def _trimmed(rows: list[list[Cell]]) -> list[list[Cell]]:
    while rows and all(cell_is_empty(cell) for cell in rows[-1]):
        rows.pop()
    return rows
