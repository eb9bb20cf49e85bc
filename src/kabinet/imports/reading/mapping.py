"""Which row is the header and which column plays which role (D2).

`propose_mapping` looks for the header row among the first rows of the sheet — skipping title
blocks, company details and merged captions above the table, as in a 1C printed form — by the
header texts it knows (`headers.HEADER_SYNONYMS`). Columns without a header, or a sheet without
a header row, are recognised by their content: 8/12/13/14-digit numbers are barcodes, small
positive numbers the quantity, long texts the names, short unique codes the articles. The user
confirms or corrects the proposal; `layout_signature` lets the caller remember the confirmed
mapping for the next file of the same layout.
"""

import hashlib
import statistics
from dataclasses import dataclass, field

from kabinet.imports.reading.headers import (
    CODE_ROLES,
    EXACT,
    IDENTIFIER_ROLES,
    Role,
    header_match,
    is_total_text,
    normalise_header,
)
from kabinet.imports.reading.values import Cell, cell_is_empty, identifier_text, parse_number
from kabinet.imports.reading.workbook import Sheet

HEADER_SEARCH_ROWS = 40
CONTENT_SAMPLE_ROWS = 200
_BARCODE_LENGTHS = frozenset({8, 12, 13, 14})
_MAX_PLAUSIBLE_QUANTITY = 1_000_000
_BARE_CODE = "код"


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Where the table is: `header_row_index` indexes `sheet.rows` (None: no header row, the
    data starts at the first filled row); `columns` maps a role to a column index (A = 0).

    `confidence` is 1.0 when the header named an identifier column and the quantity column,
    lower when content had to decide or something is missing; `reasons` explain it in English
    (for logs and support, not for the user).
    """

    header_row_index: int | None
    columns: dict[Role, int]
    confidence: float = 1.0
    reasons: tuple[str, ...] = field(default=())

    @property
    def data_start_index(self) -> int:
        return 0 if self.header_row_index is None else self.header_row_index + 1

    @property
    def has_identifier(self) -> bool:
        return any(role in self.columns for role in IDENTIFIER_ROLES)


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_at(row: list[Cell], column: int | None) -> Cell:
    return row[column] if column is not None and column < len(row) else ""


def propose_mapping(sheet: Sheet) -> ColumnMapping:
    """The header row and the role of each column, as far as the sheet shows them."""
    rows = sheet.rows
    header_index = find_header_row(rows)
    columns: dict[Role, int] = {}
    reasons: list[str] = []
    header: list[Cell] = []
    if header_index is not None:
        header = rows[header_index]
        columns = _roles_from_header(header)
        reasons.append(f"header in row {header_index + 1}")
        reasons += [
            f"column {column_letter(col)} “{header[col]}” → {role} (header)"
            for role, col in columns.items()
        ]
    from_header = dict(columns)
    sample = _sample(rows, 0 if header_index is None else header_index + 1)
    filled = {col for row in sample for col, cell in enumerate(row) if not cell_is_empty(cell)}
    unnamed = [
        col
        for col in sorted(filled)
        if col not in columns.values() and cell_is_empty(cell_at(header, col))
    ]
    found = _roles_from_content(sample, unnamed, set(columns))
    for role, (col, why) in found.items():
        columns[role] = col
        reasons.append(f"column {column_letter(col)} → {role} (content: {why})")
    confidence = _confidence(from_header, columns)
    if not any(role in columns for role in IDENTIFIER_ROLES):
        reasons.append("no column with articles, codes or names found")
    if Role.QUANTITY not in columns:
        reasons.append("no quantity column found")
    return ColumnMapping(header_index, columns, confidence, tuple(reasons))


def find_header_row(rows: list[list[Cell]]) -> int | None:
    """The index of the row that reads most like a table header, or None."""
    best_index, best_score = None, 0.0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [cell for cell in row if not cell_is_empty(cell)]
        matches = [header_match(normalise_header(cell)) for cell in filled if isinstance(cell, str)]
        roles = {role for role, _, _ in matches if role}
        known = sum(1 for role, _, is_known in matches if is_known and not role)
        single_exact = (
            len(filled) == 1
            and len(roles) == 1
            and matches[0][1] == EXACT
            and next(iter(roles)) in IDENTIFIER_ROLES
        )
        if not (len(roles) >= 2 or (roles and known) or single_exact):
            continue
        score = len(roles) + 0.5 * known
        if score > best_score:
            best_index, best_score = index, score
    return best_index


def _roles_from_header(header: list[Cell]) -> dict[Role, int]:
    """Each role to its best-named column, the leftmost among equals. A bare "Код" yields the
    article to a column named "Артикул" and is then the 1C code, as in 1C's own exports."""
    candidates = []
    for col, cell in enumerate(header):
        if isinstance(cell, str) and not cell_is_empty(cell):
            text = normalise_header(cell)
            role, strength, _ = header_match(text)
            if role:
                candidates.append((-strength, text == _BARE_CODE, col, role))
    columns: dict[Role, int] = {}
    for _, bare_code, col, role in sorted(candidates):
        if role not in columns:
            columns[role] = col
        elif bare_code and Role.ERP_CODE not in columns:
            columns[Role.ERP_CODE] = col
    return dict(sorted(columns.items(), key=lambda item: item[1]))


def _sample(rows: list[list[Cell]], start: int) -> list[list[Cell]]:
    sample = []
    for row in rows[start:]:
        if any(is_total_text(cell) for cell in row):
            continue
        if any(not cell_is_empty(cell) for cell in row):
            sample.append(row)
            if len(sample) == CONTENT_SAMPLE_ROWS:
                break
    return sample


@dataclass(slots=True)
class _Profile:
    column: int
    filled: int = 0
    barcodes: int = 0
    numbers: list = field(default_factory=list)
    texts: list = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0


def _profile(sample: list[list[Cell]], column: int) -> _Profile:
    profile = _Profile(column)
    for row in sample:
        cell = cell_at(row, column)
        if cell_is_empty(cell):
            continue
        profile.filled += 1
        text = identifier_text(cell)
        if text.isdigit() and len(text) in _BARCODE_LENGTHS:
            profile.barcodes += 1
        try:
            number = parse_number(cell)
        except ValueError:
            profile.texts.append(text)
        else:
            if number is not None:
                profile.numbers.append(number)
    return profile


def _roles_from_content(sample, columns: list[int], taken: set[Role]) -> dict:
    """{role: (column, why)} for the roles not `taken`, among `columns`."""
    filled = [p for p in (_profile(sample, col) for col in columns) if p.filled]
    profiles = [p for p in filled if not _is_sequence(p)]
    # 1, 2, 3… is a "№" column on the left of a table, but the quantities of a short list
    # to its right ("A-1 1 / B-2 2 / C-3 3").
    counted = [p for p in filled if _is_sequence(p) and p.column != filled[0].column]
    found: dict[Role, tuple[int, str]] = {}

    def claim(role: Role, profile: _Profile, why: str) -> None:
        found[role] = (profile.column, why)
        profiles.remove(profile)

    barcodes = [p for p in profiles if p.share(p.barcodes) >= 0.9]
    if barcodes and Role.BARCODE not in taken:
        claim(Role.BARCODE, barcodes[0], "8–14-digit numbers")
    names = [p for p in profiles if p.share(len(p.texts)) >= 0.7 and _is_name_like(p.texts)]
    if names and Role.NAME not in taken:
        best = max(names, key=lambda p: statistics.fmean(len(t) for t in p.texts))
        claim(Role.NAME, best, "long texts")
    numeric = [p for p in profiles if p.share(len(p.numbers)) >= 0.9]
    quantities = [p for p in numeric if all(0 < n <= _MAX_PLAUSIBLE_QUANTITY for n in p.numbers)]
    if quantities and Role.QUANTITY not in taken:
        best = max(quantities, key=lambda p: (_whole_share(p), -statistics.median(p.numbers)))
        claim(Role.QUANTITY, best, "small positive numbers")
    elif counted and Role.QUANTITY not in taken:
        found[Role.QUANTITY] = (counted[0].column, "small positive numbers right of the codes")
    if not any(role in taken or role in found for role in CODE_ROLES):
        codes = [p for p in profiles if _is_code_like(p)]
        if codes:
            claim(Role.ARTICLE, codes[0], "short unique codes")
    return found


def _is_name_like(texts: list[str]) -> bool:
    long_words = [t for t in texts if len(t) >= 12 and " " in t]
    return len(long_words) >= max(1, len(texts) // 2)


def _is_sequence(profile: _Profile) -> bool:
    """1, 2, 3… — a "№" column without its header."""
    numbers = profile.numbers
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def _whole_share(profile: _Profile) -> float:
    return profile.share(sum(1 for n in profile.numbers if n == n.to_integral_value()))


def _is_code_like(profile: _Profile) -> bool:
    if any(n != n.to_integral_value() for n in profile.numbers):
        return False  # prices, weights
    values = list(profile.texts) + [str(n) for n in profile.numbers]
    if not values or profile.share(len(values)) < 0.9:
        return False
    short = sum(1 for v in values if len(v) <= 40 and v.count(" ") <= 1)
    return short / len(values) >= 0.9 and len(set(values)) / len(values) >= 0.8


def _confidence(from_header: dict[Role, int], columns: dict[Role, int]) -> float:
    """1.0: the header names an identifier and the quantity; less for each part that content
    had to guess; 0.0 without an identifier."""
    if not any(role in columns for role in IDENTIFIER_ROLES):
        return 0.0
    score = 0.0
    for present in (
        lambda cols: any(role in cols for role in IDENTIFIER_ROLES),
        lambda cols: Role.QUANTITY in cols,
    ):
        score += 0.5 if present(from_header) else (0.3 if present(columns) else 0.0)
    return round(score, 2)


def layout_signature(sheet: Sheet, mapping: ColumnMapping) -> str:
    """A stable hash of the normalised header cells: files of the same layout get the same
    signature whatever their data, title block or number of rows; headerless files are told
    apart by their width only."""
    if mapping.header_row_index is None:
        parts = ["<no header>", str(sheet.width)]
    else:
        index = mapping.header_row_index
        header = sheet.rows[index] if 0 <= index < len(sheet.rows) else []
        parts = [normalise_header(cell) for cell in header]
        while parts and not parts[-1]:
            parts.pop()
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
