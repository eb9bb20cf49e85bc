"""Files for the demo: product pictures (PNG, Pillow) and documents (PDF, fpdf2), as bytes.

Pure: text in, bytes out, no ORM. Russian text needs a font with Cyrillic; Debian's
fonts-dejavu-core (installed with Chromium by `make system-packages`) is used when present,
otherwise PDFs fall back to a built-in font with the text transliterated and pictures to
Pillow's own font, so the demo never fails for a missing font.
"""

import hashlib
import io
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
PICTURE_SIZE = 480
# fpdf2 subsets fonts with fontTools, which reports every step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
HEADINGS = FontFace(emphasis="", fill_color=(230, 230, 230))
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_TRANSLIT = {
    char: "" if latin == "-" else latin
    for char, latin in zip(_CYRILLIC, _LATIN.split(), strict=True)
}


@cache
def _font(bold: bool = False) -> Path | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return next((folder / name for folder in FONT_DIRS if (folder / name).is_file()), None)


def _latin(text: str) -> str:
    """Cyrillic transliterated, "№" spelled out: for the built-in PDF font (Latin-1 only)."""
    out = []
    for char in text.replace("№", "No."):
        low = char.lower()
        if low in _TRANSLIT:
            latin = _TRANSLIT[low]
            out.append(latin.capitalize() if char != low else latin)
        else:
            out.append(char if ord(char) < 256 else "?")
    return "".join(out)


def _colour(seed: str, lightness: int) -> tuple[int, int, int]:
    """A stable colour for a text: same product, same picture."""
    digest = hashlib.sha256(seed.encode()).digest()
    return tuple(lightness + digest[i] % (256 - lightness) for i in range(3))  # type: ignore[return-value]


def product_picture(*, article: str, title: str, seed: str, variant: int = 0) -> bytes:
    """A packshot-like PNG: a box in the product's colours with its article and a title."""
    size = PICTURE_SIZE
    image = Image.new("RGB", (size, size), _colour(seed + "bg", 215))
    draw = ImageDraw.Draw(image)
    box = _colour(f"{seed}:{variant}", 60)
    dark = tuple(max(0, c - 90) for c in box)
    left, top, right, bottom = 65, 120 + 10 * variant, size - 115, size - 70
    draw.polygon([(left, top), (left + 50, top - 50), (right + 50, top - 50), (right, top)], dark)
    side = [(right, top), (right + 50, top - 50), (right + 50, bottom - 50), (right, bottom)]
    draw.polygon(side, tuple(max(0, c - 50) for c in box))
    draw.rectangle((left, top, right, bottom), fill=box, outline=dark, width=3)
    draw.rectangle((left, top + 60, right, top + 130), fill=(255, 255, 255))
    big = _picture_font(_font(bold=True), 34)
    small = _picture_font(_font(), 20)
    draw.text(((left + right) // 2, top + 95), article, fill=(30, 30, 30), font=big, anchor="mm")
    for n, line in enumerate(_wrapped(draw, title, small, width=right - left - 30)[:3]):
        draw.text((left + 15, top + 150 + 28 * n), line, fill=(255, 255, 255), font=small)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, *, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _picture_font(path: Path | None, size: int):
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def document_pdf(
    *,
    title: str,
    lines: Sequence[str] = (),
    table: Sequence[Sequence[str]] = (),
    widths: Sequence[int] | None = None,
    author: str = "",
) -> bytes:
    """An A4 PDF: a title, lines of text and an optional table (first row: the header;
    `widths`: relative column widths)."""
    pdf = FPDF(format="A4")
    pdf.set_creator("Kabinet demo")
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    regular = _font()
    if regular is not None:  # one face only: each font added costs ~25 ms per document
        pdf.add_font("DejaVu", "", str(regular))
        family, text = "DejaVu", str
    else:
        family, text = "Helvetica", _latin
    pdf.add_page()
    pdf.set_font(family, "", 16)
    pdf.multi_cell(0, 8, text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "", 11)
    for line in lines:
        pdf.multi_cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
    if table:
        pdf.ln(4)
        pdf.set_font(family, "", 9)
        with pdf.table(col_widths=widths, text_align="LEFT", headings_style=HEADINGS) as grid:
            for row in table:
                cells = grid.row()
                for value in row:
                    cells.cell(text(value))
    return bytes(pdf.output())
