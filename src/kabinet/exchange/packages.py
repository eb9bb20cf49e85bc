"""Import CommerceML files from disk, without 1C calling: `kabinet exchange-import FILE_OR_DIR`.

For the historical load at launch (E4: years of orders with their statuses) and for packages
too big or too odd to send over HTTP. Files go through `importing.import_file`, the code path
of the exchange protocol, one transaction each; running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kabinet.exchange.classifiers import classifier_merge, classifier_of
from kabinet.exchange.commerceml import detect
from kabinet.exchange.commerceml.model import FileKind
from kabinet.exchange.importing import OFFER_KINDS, import_file

# The order 1C itself sends a package in: the catalog (classifier, then properties, then goods),
# then offers, prices and rests, then order documents.
KIND_ORDER = {
    FileKind.CATALOG: 0,
    FileKind.OFFERS: 1,
    FileKind.PRICES: 2,
    FileKind.RESTS: 2,
    FileKind.DOCUMENTS: 3,
}
NOT_IMPORTED = 9


@dataclass(frozen=True)
class FileImported:
    path: Path
    kind: str
    counts: dict


def package_files(path: Path) -> list[tuple[Path, FileKind]]:
    """The XML files of a folder (sub-folders included) with their kind, in import order."""
    if path.is_file():
        return [(path, detect(path))]
    return package_order(path, [file for file in path.rglob("*") if _is_xml(file)])


def package_order(root: Path, files: list[Path]) -> list[tuple[Path, FileKind]]:
    """`files` (under `root`) with their kind, in the order 1C sends them: by kind, and within
    a kind a folder's own files before its sub-folders', 3.1 `properties/` before `goods/`,
    then by name."""

    def order(item: tuple[Path, FileKind]) -> tuple:
        file, kind = item
        parts = file.relative_to(root).parts
        return (
            KIND_ORDER.get(kind, NOT_IMPORTED),
            len(parts),
            0 if "properties" in parts[:-1] else 1,
            "/".join(parts),
        )

    return sorted(((file, detect(file)) for file in files), key=order)


def _is_xml(file: Path) -> bool:
    return file.is_file() and file.suffix.lower() == ".xml"


def package_import(
    *, path: Path, log: Callable[[FileImported], None] | None = None
) -> list[FileImported]:
    """Import a file or every XML of a folder; each file commits on its own.

    A failing file raises (CommerceMLError or a database error) after the files before it
    were committed; fix it and run the whole folder again. Pictures named by Картинка are
    looked up from the folder given (or the file's folder).
    """
    root = path if path.is_dir() else path.parent
    done: list[FileImported] = []
    classifiers = []
    for file, kind in package_files(path):
        _kind, counts = import_file(
            path=file, classifier=classifier_merge(classifiers), files_dir=root
        )
        if kind == FileKind.CATALOG or kind in OFFER_KINDS:
            classifiers.append(classifier_of(file))
        result = FileImported(file, str(kind), counts)
        done.append(result)
        if log is not None:
            log(result)
    return done
