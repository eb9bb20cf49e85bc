"""The classifiers of files already imported, for the files that come after them.

A package spreads its classifier over several files: import.xml holds the groups and the
dictionary values, 3.1 puts properties in properties/…/import.xml and the variant properties in
properties/…/offers.xml, and the goods, offers, prices and rests files refer to all of them.
Each importer remembers the classifier of the file it read, so a later file does not parse a
300 MB import.xml again just to learn its few hundred groups.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from kabinet.exchange.commerceml import read_classifier
from kabinet.exchange.commerceml.model import Classifier

CACHED_FILES = 64
_cache: OrderedDict[tuple, Classifier | None] = OrderedDict()


def _key(path: Path) -> tuple:
    stat = path.stat()
    return (os.fspath(path.resolve()), stat.st_mtime_ns, stat.st_size)


def classifier_remember(path: Path, classifier: Classifier | None) -> None:
    """Keep the classifier an importer met in `path` (None: the file has none)."""
    key = _key(path)
    _cache[key] = classifier
    _cache.move_to_end(key)
    while len(_cache) > CACHED_FILES:
        _cache.popitem(last=False)


def classifier_of(path: Path) -> Classifier | None:
    """The classifier of a file: remembered by its importer, else read (the whole file)."""
    key = _key(path)
    if key not in _cache:
        classifier_remember(path, read_classifier(path))
    return _cache[key]


def classifier_merge(classifiers: Iterable[Classifier | None]) -> Classifier | None:
    """One classifier holding all of them; on a repeated id the later file wins (the parsers'
    lookup applies them in order)."""
    found = [c for c in classifiers if c is not None]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return Classifier(
        id=found[-1].id,
        name=found[-1].name,
        groups=tuple(g for c in found for g in c.groups),
        properties=tuple(p for c in found for p in c.properties),
        price_types=tuple(p for c in found for p in c.price_types),
        warehouses=tuple(w for c in found for w in c.warehouses),
        units=tuple(u for c in found for u in c.units),
        categories=tuple(k for c in found for k in c.categories),
    )
