"""CSV and TXT: the encoding, the delimiter, then rows of strings.

Encodings: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), and the
Russian single-byte code pages (Windows-1251 first, then DOS cp866 and KOI8-R) recognised by
charset-normalizer. Delimiters: ";" (Russian Excel), tab, "," and "|", chosen by how evenly
they split the first records; when none does, a list of "code quantity" lines (a code without
spaces, spaces, a number) is split at those spaces (`SPACES`). Cells stay strings exactly as
written ("00123" keeps its zeros, "1 000,5" is parsed later by `parse_number`).
"""

import codecs
import csv
import io
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

import charset_normalizer

from kabinet.imports.reading import errors

DELIMITERS = (";", "\t", ",", "|")
SPACES = " "  # "code quantity" lines: the code, spaces, the quantity (perhaps with a unit)
_CODE_SPACES_NUMBER = re.compile(r"(\S+)\s+([+-]?\d[\d.,]*(?:\s*[^\W\d_]+\.?)?)")
_SPACED_SHARE = 0.7
_SINGLE_BYTE_ENCODINGS = ["cp1251", "cp866", "koi8_r"]
_DETECTION_SAMPLE = 64 * 1024
_SNIFF_SAMPLE = 64 * 1024
_SNIFF_RECORDS = 50


@dataclass(frozen=True, slots=True)
class TextTable:
    rows: list[list[str]]
    encoding: str
    delimiter: str


def read_text_table(data: bytes, *, sheet_name: str, max_rows: int) -> TextTable:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text[:_SNIFF_SAMPLE])
    if delimiter == DELIMITERS[0] and _spaced(text[:_SNIFF_SAMPLE]):
        delimiter = SPACES
    rows: list[list[str]] = []
    filled = 0
    if delimiter == SPACES:
        records = (_spaced_record(line) for line in io.StringIO(text, newline=None))
    else:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in records:
            rows.append(record)
            if any(cell.strip() for cell in record):
                filled = len(rows)
                if filled > max_rows:
                    raise errors.TooManyRowsError(sheet=sheet_name, limit=max_rows)
    except csv.Error as error:
        raise errors.CorruptFileError() from error
    del rows[filled:]
    return TextTable(rows=rows, encoding=encoding, delimiter=delimiter)


def _spaced(sample: str) -> bool:
    """Whether the lines are "code quantity" ("АС-500 10", "4601234567893  2 шт"), when no
    delimiter splits them: a name ("Бинт 7 м") has spaces inside, a code has none."""
    lines = [line.strip() for line in sample.splitlines()[:_SNIFF_RECORDS] if line.strip()]
    if len(sample) == _SNIFF_SAMPLE and len(lines) > 1:
        lines.pop()  # the last line may be cut in half
    if not lines or any(delimiter in line for line in lines for delimiter in DELIMITERS[:2]):
        return False
    if not _CODE_SPACES_NUMBER.fullmatch(lines[0]):
        lines.pop(0)  # a header ("Артикул Количество") or a title
    spaced = sum(1 for line in lines if _CODE_SPACES_NUMBER.fullmatch(line))
    return bool(lines) and spaced >= max(1, math.ceil(len(lines) * _SPACED_SHARE))


def _spaced_record(line: str) -> list[str]:
    """A "code quantity" line as two cells; another line (a header "Артикул Количество", a
    note) split at its first spaces."""
    line = line.strip()
    if not line:
        return []
    match = _CODE_SPACES_NUMBER.fullmatch(line)
    return [match[1], match[2]] if match else line.split(None, 1)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _single_byte_encoding(data)
    return data.decode(encoding, errors="replace"), encoding


def _single_byte_encoding(data: bytes) -> str:
    """Windows-1251, cp866 or KOI8-R, as charset-normalizer judges the beginning of the file."""
    best = charset_normalizer.from_bytes(
        data[:_DETECTION_SAMPLE], cp_isolation=_SINGLE_BYTE_ENCODINGS
    ).best()
    return best.encoding if best else _SINGLE_BYTE_ENCODINGS[0]


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the most records into the same number (>1) of fields.

    Ties go to the earlier of `DELIMITERS`. When none splits enough records alike (a one-column
    file, perhaps with a comma in a line or two) the answer is ";", the likeliest to be absent.
    """
    best, best_score = DELIMITERS[0], (0, 0)
    lines = sample.splitlines()
    if len(sample) == _SNIFF_SAMPLE and len(lines) > 1:
        lines.pop()  # the last line may be cut in half
    sample = "\n".join(line for line in lines if line.strip())
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
            counts = [len(record) for record in itertools.islice(reader, _SNIFF_RECORDS)]
        except csv.Error:
            continue
        widths = Counter(count for count in counts if count > 1)
        if not widths:
            continue
        width, agreeing = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (agreeing, width)
        if agreeing >= _agreeing_needed(len(counts)) and score > best_score:
            best, best_score = delimiter, score
    return best


def _agreeing_needed(records: int) -> int:
    """How many records a delimiter must split alike: a comma in one line of a one-column file
    is no delimiter, a title block above a table does not hide one."""
    return min(records, max(2, math.ceil(records * 0.3)))
