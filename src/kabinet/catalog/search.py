"""How texts are compared in search and in every article / code comparison (pure functions).

    search_normalize(text)     the compared form: lower case, ё as е, Cyrillic letters that look
                               Latin (А В Е К М Н О Р С Т Х У) as Latin, spaces collapsed
    search_tokens(query)       the words of a query as looked for in `Product.search_text`:
                               Russian words reduced to their stem, then normalised
    layout_swap(query)         the query as if typed in the other keyboard layout
    product_search_text(...)   `Product.search_text` of one product

One fold for everything: `Product.search_text`, `Product.article_key` / `erp_code_key` and the
partner's `PartnerProductCode.code_key` are written with `search_normalize`, and queries, quick
order files and code files are read with it, so `CA-00001` typed in Latin finds the article
`СА-00001` written with Cyrillic letters (and the other way round), on SQLite and PostgreSQL
alike. Folding Russian words too ("маска" is stored as "macka") costs nothing in matching —
both sides are folded — and also catches names that 1C keeps with a stray Latin letter.

Word forms: a query word is reduced to its Snowball stem (the algorithm of PostgreSQL's
`russian` text search configuration), and the stem is looked for as a part of the stored
words. Snowball only strips endings, so the stem of a word is always its beginning: "маски"
(stem "маск") finds "Маска", "перчатка" finds "Перчатки", "шприцы" finds "Шприц" — the same
rows on both databases, since the matching itself is a plain `LIKE '%stem%'`.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

# Cyrillic letters that look like Latin ones, upper case as lower case: "В" looks like "B", so
# "в" (its lower case) folds to "b" too — the fold must not depend on case.
LOOK_ALIKES = dict(zip("авекмнорстху", "abekmhopctxy", strict=True))
_FOLD = str.maketrans({"ё": "e", **LOOK_ALIKES})
_UNFOLD = str.maketrans({latin: cyrillic for cyrillic, latin in LOOK_ALIKES.items()})

# The two keyboard layouts, key by key (ЙЦУКЕН over QWERTY).
_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_RUSSIAN_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_RUSSIAN = str.maketrans(_LATIN_KEYS, _RUSSIAN_KEYS)
_TO_LATIN = str.maketrans(_RUSSIAN_KEYS, _LATIN_KEYS)

_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-z]")
_RUSSIAN_WORD = re.compile(r"[а-яё]+")
_PUNCTUATION = "«»„“”\"'(),;:!?"
# Shorter words are left whole: stemming "мл" or "для" would only widen the search.
STEM_MIN_LENGTH = 4

_stemmer = snowballstemmer.stemmer("russian")


def search_normalize(text: str) -> str:
    """The compared form of a text (see the module docstring); used for every stored search
    column and every code comparison."""
    return " ".join(text.lower().translate(_FOLD).split())


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    if _CYRILLIC.search(word) and not _RUSSIAN_WORD.fullmatch(word):
        # "cтерильные" with a Latin "c": a Russian word, if its other letters are Russian
        unfolded = word.translate(_UNFOLD)
        if _RUSSIAN_WORD.fullmatch(unfolded):
            word = unfolded
    if len(word) >= STEM_MIN_LENGTH and _RUSSIAN_WORD.fullmatch(word):
        return _stemmer.stemWord(word)
    return word


def search_tokens(query: str) -> list[str]:
    """The words of a search query as they are looked for in `Product.search_text` (each as a
    part of the text), Russian words by their stem, without repeats."""
    words = (word.strip(_PUNCTUATION) for word in query.lower().replace("ё", "е").split())
    return list(dict.fromkeys(search_normalize(_stem(word)) for word in words if word))


def layout_swap(query: str) -> str:
    """The query as if typed in the other keyboard layout ("ifghbw" → "шприц", "ыр-5" →
    "sh-5"), word by word; words in both alphabets or in none stay. "" when nothing changes."""
    words = []
    for word in query.lower().split():
        latin, russian = bool(_LATIN.search(word)), bool(_CYRILLIC.search(word))
        if latin and not russian:
            word = word.translate(_TO_RUSSIAN)
        elif russian and not latin:
            word = word.translate(_TO_LATIN)
        words.append(word)
    swapped = " ".join(words)
    return "" if swapped == " ".join(query.lower().split()) else swapped


def product_search_text(
    *,
    name: str,
    article: str,
    erp_code: str,
    ext_id: str | None,
    barcodes: Iterable[str],
    characteristics: Iterable[dict] = (),
) -> str:
    """The search text of one product: its name, then its article, 1C code, 1C id, the
    barcodes of every variant and the characteristic values of every variant ("5 мл", "M",
    "синий": "шприц 5 мл" finds the syringe sold in 2, 5 and 10 ml), normalised (for bulk
    writers that hold the values already)."""
    values = {str(value) for each in characteristics for value in (each or {}).values() if value}
    parts = [name, article, erp_code, ext_id or "", *sorted(barcodes), *sorted(values)]
    return search_normalize(" ".join(parts))
