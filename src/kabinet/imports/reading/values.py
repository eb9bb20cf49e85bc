"""Cell values: what a cell holds after reading, numbers written the way people write them, and
text that is safe to write back into a spreadsheet or CSV."""

import re
from decimal import Decimal, InvalidOperation

# A cell as read: text, a number, a boolean; dates and times arrive as ISO strings, an empty
# cell as "". Numbers that are whole arrive as int (a barcode stored as a number is 4601234567890,
# not 4601234567890.0).
Cell = str | int | float | bool


def cell_is_empty(value: Cell) -> bool:
    return value == "" or (isinstance(value, str) and value.isspace())


def identifier_text(value: Cell) -> str:
    """A cell as an article, code or barcode: whole numbers without ".0", text trimmed.

    A leading apostrophe is dropped: spreadsheet programs and our own exports (see
    `cell_text_safe`) use it to keep "00123" or "=A1" as text, it is never part of a code.
    """
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return ""
    if kind is float:
        return format(Decimal(repr(value)).normalize(), "f")
    text = str(value).strip()
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ").strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


# Digits with the separators people put in them, then an optional unit ("10 шт", "5 pcs",
# "12,50 руб.", "3₽").
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<digits>\d(?:[\d.,' ]*\d)?)\s*"
    r"(?P<unit>[^\W\d_](?:[^\W\d_]|\.){0,15}|[₽$€])?",
)
# Longer text is no number, and the patterns need not consider it.
_MAX_NUMBER_TEXT = 64
_SPACE_KINDS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " "})
_DASHES = {"-", "–", "—", "−"}
_MAX_INTEGER_DIGITS = 15


def parse_number(value: Cell | None) -> Decimal | None:
    """A number as people write it in Russian or English spreadsheets, or None for an empty cell.

    Accepts "1 000,5" (spaces or non-breaking spaces between thousands), "10,00" (decimal comma),
    "1.234,50" and "1,234.50" (the last separator is the decimal one), "10 шт" (a unit after the
    number). Raises ValueError for anything else: "abc", "1,2,3,4", "10 20", "1e5".
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return _tidy(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return _tidy(value)
    text = str(value).translate(_SPACE_KINDS).strip().replace("−", "-")
    if not text or text in _DASHES:
        return None
    match = _NUMBER.fullmatch(text) if len(text) <= _MAX_NUMBER_TEXT else None
    if not match:
        raise ValueError(f"not a number: {text!r}")
    number = _digits_to_decimal(match["digits"])
    return _tidy(-number if match["sign"] == "-" else number)


def _digits_to_decimal(digits: str) -> Decimal:
    decimal_separator = _decimal_separator(digits)
    if decimal_separator:
        whole, _, fraction = digits.rpartition(decimal_separator)
    else:
        whole, fraction = digits, ""
    if not fraction.isdigit() and fraction:
        raise ValueError(f"bad fraction in {digits!r}")
    groups = re.split(r"[.,' ]", whole)
    grouped = len(groups) > 1
    if grouped and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(f"bad digit grouping in {digits!r}")
    if grouped and len(set(re.findall(r"[.,' ]", whole))) > 1:
        raise ValueError(f"mixed thousands separators in {digits!r}")
    integer = "".join(groups)
    if not integer.isdigit() or len(integer.lstrip("0")) > _MAX_INTEGER_DIGITS:
        raise ValueError(f"not a plausible number: {digits!r}")
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation as error:  # pragma: no cover - the checks above rule it out
        raise ValueError(digits) from error


def _decimal_separator(digits: str) -> str:
    """The decimal separator ("," or ".") of a number, "" when it is whole.

    With both present the last one is decimal. A lone comma is decimal ("1,5", "1,234" = 1.234 in
    Russian use); a lone dot is decimal; repeated, either one separates thousands.
    """
    last_comma, last_dot = digits.rfind(","), digits.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        return "," if last_comma > last_dot else "."
    for separator in (",", "."):
        if digits.count(separator) == 1:
            return separator
    return ""


def _tidy(number: Decimal) -> Decimal:
    """10.00 → 10, 1000.50 → 1000.5, never an exponent."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def parse_quantity(value: Cell | None) -> Decimal | None:
    """A quantity cell: `parse_number` (None when empty, ValueError when not a number).

    Zero and negative quantities are returned as they are; `extract_rows` flags them.
    """
    return parse_number(value)


# Characters that make a spreadsheet program read text as a formula (OWASP "CSV injection"),
# with their full-width forms that some programs fold.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def cell_text_safe(value) -> str | int | float | Decimal:
    """A value ready to be written to an XLSX or CSV report: numbers as they are, text that
    could start a formula prefixed with an apostrophe so it stays text ("=HYPERLINK(...)" →
    "'=HYPERLINK(...)"); signed numbers written as text ("-5") are left alone."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
