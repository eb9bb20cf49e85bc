"""The streaming reader the catalog, offers, documents and classifier parsers are built on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import TracebackType
from typing import Generic, TypeVar

from kabinet.exchange.commerceml import _xml
from kabinet.exchange.commerceml._xml import Element, local
from kabinet.exchange.commerceml.classifier import classifier_from
from kabinet.exchange.commerceml.errors import CommerceMLError
from kabinet.exchange.commerceml.fields import Lookup
from kabinet.exchange.commerceml.model import Classifier

T = TypeVar("T")
_NOTHING = object()

PACKAGES = ("ПакетПредложений", "ИзмененияПакетаПредложений")
# The repeated elements of each kind of file, and the sections that hold them.
ITEMS = ("Товар", "Предложение", "Документ", "Контрагент")
SECTIONS = ("Классификатор", "Каталог", *PACKAGES)
_ROOT = "КоммерческаяИнформация"


def _named(node: Element | None, *names: str) -> bool:
    return node is not None and local(node.tag) in names


def _is_root_or(node: Element | None, *names: str) -> bool:
    return node is None or local(node.tag) in (_ROOT, *names)


def is_item(element: Element) -> bool:
    """Whether an ITEMS element is a file-level item, not one nested in another item (a
    document's Товар or Контрагент, a representative's Контрагент, a set's Товар)."""
    tag = local(element.tag)
    parent = element.getparent()
    if tag == "Документ":
        return _is_root_or(parent, "Контейнер")
    if parent is None:
        return False
    holder = parent.getparent()
    if tag == "Товар":
        return _named(parent, "Товары") and _named(holder, "Каталог")
    if tag == "Предложение":
        return _named(parent, "Предложения") and _named(holder, *PACKAGES)
    return _named(parent, "Контрагенты") and _is_root_or(holder)


def is_top_level(element: Element) -> bool:
    """A section directly under the root, or the root itself (a fragment)."""
    return _is_root_or(element.getparent())


class Reader(Generic[T]):
    """A single-pass iterator over the items of one file, usable as a context manager.

    Opening it parses the file up to the first item, so the header attributes (schema version,
    classifier, package header) are filled before the first item is handed out. A classifier
    written after the items (some 3.1 offers files do that) is there once iteration ends.
    Leaving the `with` block or calling `close()` stops parsing and closes the file.
    Opening raises CommerceMLError at once for a file that is bad from the start.

    Memory stays flat whatever the file holds: each item is freed once built, and items of
    another kind (a ПакетПредложений in a file read for its classifier) are freed unread.
    """

    item = ""  # the local name of the items this reader yields

    def __init__(self, path: str | os.PathLike[str], *, classifier: Classifier | None = None):
        self.path = os.fspath(path)
        self.schema_version: str | None = None
        self.classifier: Classifier | None = None
        self._lookup = Lookup(classifier)
        self._items = self._guarded(self._generate())
        self._pending: object = next(self._items, _NOTHING)

    def _build(self, element: Element) -> T:
        """Turn one complete item element into its dataclass."""
        raise NotImplementedError

    def _section(self, element: Element) -> None:
        """A complete Каталог / ПакетПредложений, its items already gone (header hook)."""

    def _generate(self) -> Iterator[T]:
        elements = _xml.iter_elements(self.path, ITEMS + SECTIONS, on_root=self._note_root)
        for _, element in elements:
            tag = local(element.tag)
            if tag in ITEMS:
                if not is_item(element):
                    continue  # part of an item still being read
                if tag == self.item:
                    built = self._build(element)
                    _xml.release(element)
                    yield built
                else:
                    _xml.release(element)
            elif not is_top_level(element):
                continue
            elif tag == "Классификатор":
                self.classifier = classifier_from(element)
                self._lookup.add(self.classifier)
                _xml.release(element)
            else:
                self._section(element)
                _xml.release(element)

    def _guarded(self, items: Iterator[T]) -> Iterator[T]:
        try:
            yield from items
        except CommerceMLError as exc:
            exc.file = exc.file or self.path
            raise

    def _note_root(self, root: Element) -> None:
        self.schema_version = _xml.attr(root, "ВерсияСхемы")

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._pending is not _NOTHING:
            item, self._pending = self._pending, _NOTHING
            return item  # type: ignore[return-value]
        return next(self._items)

    def close(self) -> None:
        self._pending = _NOTHING
        self._items.close()

    def __enter__(self) -> Reader[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ClassifierReader(Reader[None]):
    """Reads a whole file for its classifier only, freeing everything else as it goes."""


def read_classifier(path: str | os.PathLike[str]) -> Classifier | None:
    """The classifier of any CommerceML file (import, offers or a fragment); None if it has none.

    Reads the whole file, but keeps only the classifier in memory.
    """
    with ClassifierReader(path) as reader:
        for _ in reader:
            pass
        return reader.classifier
