"""Route a file 1C uploaded to its importer, by content (never by name), in one transaction."""

from pathlib import Path

from django.db import transaction

from kabinet.exchange.catalog_import import catalog_import
from kabinet.exchange.commerceml import detect, read_classifier
from kabinet.exchange.commerceml.model import Classifier, FileKind
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.offers_import import offers_import
from kabinet.exchange.orders_in import documents_import

XML_SUFFIXES = (".xml",)


def import_file(*, session: ExchangeSession, path: Path) -> tuple[str, dict]:
    """Import one uploaded file; returns (what it held, object counts).

    Each file is one transaction: a failure leaves the catalog exactly as it was, and a
    re-run of the same file gives the same database.
    """
    from kabinet.exchange.services import session_dir

    if not path.name.lower().endswith(XML_SUFFIXES):
        return "file", {}  # pictures and documents are read by the XML that names them
    kind = detect(path)
    with transaction.atomic():
        if kind == FileKind.CATALOG:
            counts = catalog_import(
                path, classifier=_known_classifier(session, path), files_dir=session_dir(session)
            )
        elif kind in (FileKind.OFFERS, FileKind.PRICES, FileKind.RESTS):
            counts = offers_import(path, classifier=_known_classifier(session, path))
        elif kind == FileKind.DOCUMENTS:
            counts = documents_import(path)
        else:
            counts = {}
    return str(kind), counts


def _known_classifier(session: ExchangeSession, path: Path) -> Classifier | None:
    """The classifier of an earlier catalog file of this exchange (3.1 sends it apart)."""
    from kabinet.exchange.services import session_dir

    folder = session_dir(session)
    earlier = session.files.filter(kind=FileKind.CATALOG, status=ExchangeFile.Status.DONE)
    for file in earlier.order_by("-finished_at"):
        candidate = folder / file.name
        if candidate != path and candidate.exists():
            classifier = read_classifier(candidate)
            if classifier is not None and (classifier.properties or classifier.groups):
                return classifier
    return None
