"""Route a file 1C uploaded to its importer, by content (never by name), in one transaction.

The same function serves the HTTP exchange (a file of an ExchangeSession) and
`kabinet exchange-import` (a file on disk, the classifier of earlier files passed in).
"""

from pathlib import Path

from django.db import connection, transaction

from kabinet.exchange.catalog_import import catalog_import
from kabinet.exchange.classifiers import classifier_merge, classifier_of
from kabinet.exchange.commerceml import detect
from kabinet.exchange.commerceml.model import Classifier, FileKind
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.offers_import import offers_import
from kabinet.exchange.orders_in import documents_import
from kabinet.pricing.services import price_version_bump

XML_SUFFIXES = (".xml",)
OFFER_KINDS = (FileKind.OFFERS, FileKind.PRICES, FileKind.RESTS)
# pg_advisory_xact_lock key shared by every import: "1C" "import" in hex-speak.
IMPORT_LOCK_KEY = 0x1C_1A9047


def import_file(
    *,
    path: Path,
    session: ExchangeSession | None = None,
    classifier: Classifier | None = None,
    files_dir: Path | None = None,
) -> tuple[str, dict]:
    """Import one CommerceML file; returns (what it held, object counts).

    Each file is one transaction: a failure leaves the catalog exactly as it was, and a re-run
    of the same file gives the same database. `classifier`: the classifiers of the files read
    before this one (import.xml for offers.xml, 3.1 properties/… for goods/…); with a
    `session` it is found among the session's imported files. `files_dir`: where the
    pictures named by Картинка are (the session's work folder, else the file's folder).
    """
    if not path.name.lower().endswith(XML_SUFFIXES):
        return "file", {}  # pictures and documents are read by the XML that names them
    if session is not None:
        from kabinet.exchange.services import session_dir

        files_dir = files_dir or session_dir(session)
        if classifier is None:
            classifier = _known_classifier(session, path)
    files_dir = files_dir or path.parent
    kind = detect(path)
    with transaction.atomic():
        _serialise_imports()
        if kind == FileKind.CATALOG:
            counts = catalog_import(path, classifier=classifier, files_dir=files_dir)
            price_version_bump()
        elif kind in OFFER_KINDS:
            counts = offers_import(path, classifier=classifier, files_dir=files_dir)
            price_version_bump()  # last: its row stays locked only until this commit
        elif kind == FileKind.DOCUMENTS:
            counts = documents_import(path)
        else:
            counts = {}
    return str(kind), counts


def _serialise_imports() -> None:
    """One import at a time: two exchanges (a scheduled and a manual one, or the protocol and
    `exchange-import`) would otherwise interleave their upserts and deactivations.

    On PostgreSQL a transaction-scoped advisory lock, released at commit or rollback, so a
    killed worker never leaves it behind. SQLite needs nothing: it allows one writer at a time
    and the second import waits for the first one's transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _known_classifier(session: ExchangeSession, path: Path) -> Classifier | None:
    """The classifiers of the files this exchange imported before `path`, merged in order."""
    from kabinet.exchange.services import session_dir

    folder = session_dir(session)
    earlier = session.files.filter(
        kind__in=[FileKind.CATALOG, *OFFER_KINDS],
        status__in=[ExchangeFile.Status.DONE, ExchangeFile.Status.WARNINGS],
    ).order_by("finished_at", "pk")
    paths = [folder / file.name for file in earlier]
    return classifier_merge(
        classifier_of(candidate) for candidate in paths if candidate != path and candidate.exists()
    )
