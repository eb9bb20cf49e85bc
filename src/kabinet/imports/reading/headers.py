"""Column roles and the header texts that name them, in Russian and English (D2, B9).

A header cell is compared after `normalise_header` (case, "ё", punctuation and spacing do not
matter): an exact synonym is the strongest match, a synonym the header starts with ("Цена,
руб." → price) is weaker, a synonym somewhere in a short header weakest; the longest synonym
wins among equals. Headers we know but do not map ("Сумма", "№", "Остаток") also count: they
mark a row as a header row, and they keep "Количество на складе" from becoming the quantity.
"""

import re
from enum import StrEnum
from functools import lru_cache

from kabinet.imports.reading.values import Cell


class Role(StrEnum):
    ARTICLE = "article"
    BARCODE = "barcode"
    ERP_CODE = "erp_code"  # the code of the product in 1C / the ERP
    PARTNER_CODE = "partner_code"  # the partner's own code for the product (B9)
    NAME = "name"
    QUANTITY = "quantity"
    PRICE = "price"
    UNIT = "unit"


# The roles that tell which product a row is, most precise first.
IDENTIFIER_ROLES = (Role.BARCODE, Role.ERP_CODE, Role.PARTNER_CODE, Role.ARTICLE, Role.NAME)
CODE_ROLES = (Role.BARCODE, Role.ERP_CODE, Role.PARTNER_CODE, Role.ARTICLE)

HEADER_SYNONYMS: dict[Role, tuple[str, ...]] = {
    Role.ARTICLE: (
        "артикул", "арт", "артикул товара", "артикул поставщика", "номенклатура артикул",
        "код товара", "код", "каталожный номер", "article", "art", "art no", "article number",
        "sku", "item code", "item no", "product code", "part number", "part no", "vendor code",
    ),
    Role.BARCODE: (
        "штрихкод", "штрих код", "штрихкоды", "шк", "ean", "ean13", "ean 13", "ean8", "barcode",
        "bar code", "gtin", "upc",
    ),
    Role.ERP_CODE: (
        "код 1с", "код в 1с", "1с код", "код номенклатуры", "номенклатура код", "код erp",
        "erp код", "erp code", "erp", "1с code", "code 1с",
    ),
    Role.PARTNER_CODE: (
        "наш код", "наш артикул", "свой код", "код покупателя", "артикул покупателя",
        "код клиента", "артикул клиента", "customer code", "customer sku", "our code", "own code",
        "buyer code",
    ),
    Role.NAME: (
        "наименование", "наименование товара", "название", "товар", "товары", "номенклатура",
        "описание", "продукция", "name", "product", "product name", "description", "item",
        "item name",
    ),
    Role.QUANTITY: (
        "количество", "кол во", "кол", "колво", "заказ", "к заказу", "количество заказа",
        "кол во заказа", "шт", "qty", "quantity", "order", "order qty",
    ),
    Role.PRICE: ("цена", "цена за ед", "price", "unit price"),
    Role.UNIT: (
        "ед", "ед изм", "ед измерения", "единица", "единица измерения", "изм", "unit", "uom",
    ),
}  # fmt: skip

# Headers of columns that are not mapped, and texts that look like a role but are not one.
OTHER_HEADERS = (
    "№", "№ п п", "п п", "n", "no", "nn", "#", "сумма", "сумма с ндс", "сумма без ндс", "ндс",
    "ставка ндс", "стоимость", "amount", "sum", "total", "итого", "всего", "остаток", "наличие",
    "в наличии", "на складе", "количество на складе", "кол во на складе", "stock", "мин",
    "мин кол во", "минимальное количество", "минимальный заказ", "кратность", "min qty", "moq",
    "в упаковке", "количество в упаковке", "кол во в упаковке", "бренд", "производитель",
    "brand", "manufacturer", "вес", "weight", "объем", "страна", "country", "скидка",
    "discount", "категория", "группа", "category", "комментарий", "примечание", "comment",
    "note", "фото", "photo",
)  # fmt: skip

# A header longer than this is a title or a note, not a column name.
_MAX_HEADER_WORDS = 6
_MAX_HEADER_CHARS = 60
EXACT, PREFIX, CONTAINS = 3, 2, 1

_NOT_WORD = re.compile(r"[^\w№#]+")
_LATIN_1C = re.compile(r"\b1c\b")
# Matched on the raw text (it runs on every cell of every row): fails at the first letter.
_TOTAL = re.compile(
    r"\s*(?:итого|итог|всего|в\s+том\s+числе|в\s*т\.?\s*ч\b|сумма\s+ндс|ндс|без\s+налога"
    r"|total|subtotal|grand\s+total)(?!\w)",
    re.IGNORECASE,
)


_LOOSE_KEY = str.maketrans("ё", "е", " \t\r\n\u00a0.,;:-–—_/\\()[]\"'«»")


def header_key(value: Cell) -> str:
    """A cheaper, looser `normalise_header` (punctuation and spaces dropped) for comparing
    every data cell with the header, to spot the header printed again."""
    return str(value).lower().translate(_LOOSE_KEY)


def normalise_header(value: Cell) -> str:
    """'  Кол-во, шт. ' → 'кол во шт'; 'Код 1C' (Latin C) → 'код 1с'."""
    text = _NOT_WORD.sub(" ", str(value).lower().replace("ё", "е")).replace("_", " ")
    return _LATIN_1C.sub("1с", " ".join(text.split()))


def _normalised(pairs):
    return tuple((normalise_header(synonym), key) for synonym, key in pairs)


_ROLE_SYNONYMS = _normalised(
    (synonym, role) for role, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms
)
_OTHER_SYNONYMS = _normalised((synonym, None) for synonym in OTHER_HEADERS)


def _best_match(text: str, synonyms) -> tuple[int, int, object]:
    """(strength, synonym length, key) of the best synonym for a normalised header."""
    padded = f" {text} "
    best = (0, 0, None)
    for synonym, key in synonyms:
        if text == synonym:
            strength = EXACT
        elif text.startswith(synonym + " "):
            strength = PREFIX
        elif f" {synonym} " in padded:
            strength = CONTAINS
        else:
            continue
        if (strength, len(synonym)) > best[:2]:
            best = (strength, len(synonym), key)
    return best


@lru_cache(maxsize=4096)
def header_match(text: str) -> tuple[Role | None, int, bool]:
    """For a normalised header: (role or None, match strength, whether it is a known header)."""
    if not text or len(text) > _MAX_HEADER_CHARS or text.count(" ") >= _MAX_HEADER_WORDS:
        return None, 0, False
    role_strength, _, role = _best_match(text, _ROLE_SYNONYMS)
    other_strength, _, _ = _best_match(text, _OTHER_SYNONYMS)
    if other_strength >= role_strength:
        return None, other_strength, other_strength > 0
    return role, role_strength, True


def is_total_text(value: Cell) -> bool:
    """Total lines ("Итого:", "Всего к оплате", "Total"): a row of sums, not a product."""
    return type(value) is str and _TOTAL.match(value) is not None
