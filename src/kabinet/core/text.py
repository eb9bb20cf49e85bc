"""Small text rules several apps need."""

import re


def contains_number(text: str, number: str) -> bool:
    """The number as a whole in the text, spaces and case aside: "ДП-12" is in "№ дп-12" and
    "дп - 12" in "№ ДП-12", but "12" is not in "№ 123"."""
    parts = number.split()
    if not parts:
        return False
    spaced = r"\s*".join(re.escape(part) for part in parts)
    return re.search(rf"(?<!\w){spaced}(?!\w)", text, re.IGNORECASE) is not None
