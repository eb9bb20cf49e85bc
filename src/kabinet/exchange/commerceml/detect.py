"""Route a file by what it holds, reading only as much of its beginning as needed.

1C names files freely (import.xml, import0_1.xml, import___<guid>.xml, goods/1/import.xml,
prices___<guid>.xml…), and the 1C-Bitrix add-on for УТ 10 even sends products in a file called
import.xml as a ПакетПредложений. So the content decides:

* root Классификатор / Каталог, or a КоммерческаяИнформация whose sections are Классификатор
  and/or Каталог → CATALOG;
* a ПакетПредложений (or ИзмененияПакетаПредложений): its first Предложение decides — only Ид +
  Цены → PRICES, only Ид + stock (Остатки, Склад, Количество) → RESTS, anything else (or no offer
  at all) → OFFERS;
* Документ (also inside 3.1 Контейнер) → DOCUMENTS; a Контрагенты list → COUNTERPARTIES;
* a CommerceML root with nothing inside → EMPTY; other well-formed XML → UNKNOWN.

Malformed XML or a DOCTYPE raise CommerceMLError, like the parsers.
"""

from __future__ import annotations

import os

from lxml import etree

from kabinet.exchange.commerceml import _xml
from kabinet.exchange.commerceml.errors import CommerceMLError
from kabinet.exchange.commerceml.model import FileKind

CHUNK_BYTES = 64 * 1024
# A classifier (groups, properties with their dictionaries) can come before the Каталог or the
# ПакетПредложений; past this much the guess below is taken.
MAX_BYTES = 64 * 1024 * 1024

_PACKAGES = frozenset({"ПакетПредложений", "ИзмененияПакетаПредложений"})
_STOCK = frozenset({"Остатки", "Склад", "Склады", "Количество"})


class _Sniffer:
    """Follows start/end events until the kind is known (`kind` stops being None)."""

    def __init__(self) -> None:
        self.kind: FileKind | None = None
        self.depth = 0
        self.sections: set[str] = set()
        self.in_package = False
        self.offer_depth: int | None = None
        self.offer_children: set[str] = set()

    def start(self, name: str) -> None:
        self.depth += 1
        if self.depth == 1:
            self._root(name)
        elif self.depth == 2 and not self.in_package:
            self._section(name)
        elif self.in_package and name == "Предложение" and self.offer_depth is None:
            self.offer_depth = self.depth
        elif self.offer_depth is not None and self.depth == self.offer_depth + 1:
            self.offer_children.add(name)

    def end(self, name: str) -> None:
        if self.offer_depth is not None and self.depth == self.offer_depth:
            self.kind = _offer_kind(self.offer_children)
        elif self.in_package and name in _PACKAGES:
            self.kind = FileKind.OFFERS  # a package without offers (3.1 properties/…/offers.xml)
        elif self.depth == 1:
            self.kind = self.guess() if self.sections else FileKind.EMPTY
        self.depth -= 1

    def _root(self, name: str) -> None:
        if name in ("Классификатор", "Каталог"):
            self.kind = FileKind.CATALOG
        elif name in _PACKAGES:
            self.in_package = True
        elif name == "Документ":
            self.kind = FileKind.DOCUMENTS
        elif name == "Контрагенты":
            self.kind = FileKind.COUNTERPARTIES
        elif name != "КоммерческаяИнформация":
            self.kind = FileKind.UNKNOWN

    def _section(self, name: str) -> None:
        self.sections.add(name)
        if name == "Каталог":
            self.kind = FileKind.CATALOG
        elif name in ("Документ", "Контейнер"):
            self.kind = FileKind.DOCUMENTS
        elif name == "Контрагенты":
            self.kind = FileKind.COUNTERPARTIES
        elif name in _PACKAGES:
            self.in_package = True

    def guess(self) -> FileKind:
        """The answer when the file (or the byte budget) ends before anything decisive."""
        if self.in_package:
            return FileKind.OFFERS
        if "Классификатор" in self.sections:
            return FileKind.CATALOG
        return FileKind.UNKNOWN


def _offer_kind(names: set[str]) -> FileKind:
    has_prices = "Цены" in names
    has_stock = bool(names & _STOCK)
    described = bool(names - {"Ид", "Цены", "НомерВерсии", "ПометкаУдаления"} - _STOCK)
    if has_prices and not has_stock and not described:
        return FileKind.PRICES
    if has_stock and not has_prices and not described:
        return FileKind.RESTS
    return FileKind.OFFERS


def detect(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> FileKind:
    """What the CommerceML file at `path` holds (see the module docstring for the rules)."""
    filename = os.fspath(path)
    parser = etree.XMLPullParser(events=("start", "end"), **_xml.PARSER_OPTIONS)
    sniffer = _Sniffer()
    checked = False
    read = 0
    try:
        _xml.refuse_doctype_in_prolog(filename)
        with open(filename, "rb") as stream:
            while sniffer.kind is None and read < max_bytes:
                chunk = stream.read(CHUNK_BYTES)
                read += len(chunk)
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
                for event, element in parser.read_events():
                    if not checked:
                        _xml.refuse_doctype_in_tree(element)
                        checked = True
                    name = _xml.local(element.tag)
                    if event == "start":
                        sniffer.start(name)
                    else:
                        sniffer.end(name)
                        _xml.release(element)
                    if sniffer.kind is not None:
                        break
                if not chunk:
                    break
    except etree.XMLSyntaxError as exc:
        raise _xml.syntax_error(exc, filename) from None
    except OSError as exc:
        raise _xml.unreadable(exc, filename) from exc
    except CommerceMLError as exc:
        exc.file = exc.file or filename
        raise
    return sniffer.kind or sniffer.guess()
