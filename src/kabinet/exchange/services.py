"""The exchange protocol's state changes: sessions, uploads, unpacking and imports.

Files are kept per session under KABINET_EXCHANGE_DIR/<session id>/ with their sanitised
relative names. Heavy work (unpacking, importing) runs as a background task; 1C polls with
mode=import and gets `progress` until the task is done.
"""

import logging
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.accounts.models import User
from kabinet.exchange.counts import counts_warnings
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.protocol import UnsafeFileName, safe_relative_path

logger = logging.getLogger(__name__)
COOKIE_NAME = "kabinet_1c"
# Runs of one file whose worker died before it is failed instead of queued again.
MAX_ATTEMPTS = 3
# How often a held mode=import call looks at its file again (seconds).
IMPORT_POLL = 0.2
# Archives that unpack to less than this are never refused for their compression ratio.
RATIO_FLOOR = 16 * 1024 * 1024
READ_BLOCK = 1024 * 1024


class ExchangeError(Exception):
    """A refusal 1C is told about with `failure` and a reason."""


def session_dir(session: ExchangeSession) -> Path:
    return Path(settings.KABINET_EXCHANGE_DIR) / str(session.pk)


def session_relative(session: ExchangeSession, text: str) -> str:
    """`text` with the server's paths of the exchange folders made relative to the session's
    work folder: 1C and the exchange log see `goods/1/import.xml`, never `/srv/…/17/goods/…`."""
    root = Path(settings.KABINET_EXCHANGE_DIR)
    folders = {session_dir(session), session_dir(session).resolve()}
    for folder in sorted(folders, key=lambda f: -len(str(f))):
        text = text.replace(f"{folder}/", "").replace(str(folder), ".")
    for folder in sorted({root, root.resolve()}, key=lambda f: -len(str(f))):
        text = text.replace(f"{folder}/", "").replace(str(folder), ".")
    return text


def exchange_session_start(*, user: User, kind: str, remote_addr: str | None) -> ExchangeSession:
    """checkauth: a new session with its cookie token and the sessid 1C will echo.

    Also the moment to clear the work folders of exchanges that 1C abandoned.
    """
    session = ExchangeSession.objects.create(
        kind=kind,
        user=user,
        token=secrets.token_urlsafe(32),
        sessid=secrets.token_hex(16),
        remote_addr=remote_addr,
    )
    exchange_folders_clean()
    return session


def exchange_session_for_user(*, user: User, kind: str, remote_addr: str | None) -> ExchangeSession:
    """A call with Basic auth but no cookie continues the user's session that 1C has not closed
    with mode=complete, or starts one."""
    session = (
        ExchangeSession.objects.filter(user=user, kind=kind, closed=False)
        .order_by("-started_at", "-pk")
        .first()
    )
    return session or exchange_session_start(user=user, kind=kind, remote_addr=remote_addr)


@transaction.atomic
def exchange_init(*, session: ExchangeSession, version: str) -> ExchangeSession:
    """init: a fresh, empty work folder for this exchange (uploads are appended to files)."""
    folder = session_dir(session)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    session.files.all().delete()
    session.version = (version or "")[:10]
    session.zip = settings.KABINET_EXCHANGE_ZIP
    session.save(update_fields=["version", "zip"])
    return session


def exchange_file_append(*, session: ExchangeSession, filename: str, stream) -> ExchangeFile:
    """file: append this POST body to the named file (1C splits big files into chunks)."""
    try:
        name = safe_relative_path(filename)
    except UnsafeFileName:
        raise ExchangeError(_("Unsafe file name: %(name)s") % {"name": filename}) from None
    path = session_dir(session) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("ab") as out:
        while block := stream.read(READ_BLOCK):
            written += len(block)
            out.write(block)
    with transaction.atomic():
        file, _created = ExchangeFile.objects.get_or_create(session=session, name=name)
        file.size = path.stat().st_size
        file.chunks += 1
        file.save(update_fields=["size", "chunks"])
        _session_reopen(session)
    if file.size > settings.KABINET_EXCHANGE_MAX_FILE:
        raise ExchangeError(_("The file %(name)s is larger than allowed.") % {"name": name})
    return file


@dataclass(frozen=True)
class ImportState:
    keyword: str  # "progress", "success" or "failure"
    message: str = ""
    restarted: bool = False  # its worker had died: queued again


def unpack_archive(*, session: ExchangeSession, archive: Path) -> list[str]:
    """Unpack a zip 1C sent, refusing zip bombs and paths that leave the work folder.

    Zip bombs: more than KABINET_EXCHANGE_MAX_ENTRIES files, more than
    KABINET_EXCHANGE_MAX_UNZIPPED bytes in all, or (past RATIO_FLOOR bytes) more than
    KABINET_EXCHANGE_MAX_RATIO times the archive's own size — checked on the sizes the zip
    declares before anything is written, and on the bytes really written, as sizes may lie.
    """
    folder = session_dir(session)
    limit = settings.KABINET_EXCHANGE_MAX_UNZIPPED
    ratio = settings.KABINET_EXCHANGE_MAX_RATIO
    ratio_limit = max(ratio * archive.stat().st_size, RATIO_FLOOR)
    names, total = [], 0
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir()]
            if len(members) > settings.KABINET_EXCHANGE_MAX_ENTRIES:
                raise ExchangeError(_("The archive has too many files."))
            declared = sum(member.file_size for member in members)
            if declared > limit:
                raise ExchangeError(_("The archive unpacks to more than allowed."))
            if declared > ratio_limit:
                raise _ratio_refused(archive, declared, ratio)
            for member in members:
                try:
                    name = safe_relative_path(member.filename)
                except UnsafeFileName:
                    raise ExchangeError(
                        _("Unsafe file name in the archive: %(name)s") % {"name": member.filename}
                    ) from None
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                # Count the bytes really written: a zip's declared sizes may lie.
                with bundle.open(member) as source, target.open("wb") as out:
                    while block := source.read(READ_BLOCK):
                        total += len(block)
                        if total > limit or total > ratio_limit:
                            out.close()
                            target.unlink(missing_ok=True)
                            if total > limit:
                                raise ExchangeError(_("The archive unpacks to more than allowed."))
                            raise _ratio_refused(archive, total, ratio)
                        out.write(block)
                names.append(name)
    except zipfile.BadZipFile:
        raise ExchangeError(_("The archive is damaged.")) from None
    return names


def _ratio_refused(archive: Path, unpacked: int, ratio: float) -> ExchangeError:
    times = unpacked // max(archive.stat().st_size, 1)
    return ExchangeError(
        _(
            "The archive unpacks to at least %(times)s times its size (at most %(ratio)s "
            "allowed): refused as a zip bomb."
        )
        % {"times": times, "ratio": f"{ratio:g}"}
    )


def _mark(file: ExchangeFile, status: str, **fields) -> None:
    file.status = status
    for key, value in fields.items():
        setattr(file, key, value)
    file.save(update_fields=["status", *fields])


def exchange_file_run(*, file_id: int) -> None:
    """The background half of mode=import: unpack or import one file, logging the outcome.

    Runs holding the file's import lock (liveness.py), so a worker that dies mid-import is
    seen at once by the next mode=import. Safe to run twice: a file another live worker is
    importing, or one already done or failed, is left alone.
    """
    from kabinet.exchange.liveness import import_claim

    with import_claim(file_id) as claimed:
        if claimed:
            _file_run(file_id)


def _file_run(file_id: int) -> None:
    from kabinet.exchange.importing import import_file

    file = ExchangeFile.objects.select_related("session").get(pk=file_id)
    if file.status not in (ExchangeFile.Status.QUEUED, ExchangeFile.Status.RUNNING):
        return
    _mark(file, ExchangeFile.Status.RUNNING, started_at=timezone.now(), attempts=file.attempts + 1)
    path = session_dir(file.session) / file.name
    try:
        if zipfile.is_zipfile(path):
            names = unpack_archive(session=file.session, archive=path)
            for name in names:
                ExchangeFile.objects.update_or_create(
                    session=file.session,
                    name=name,
                    defaults={"size": (session_dir(file.session) / name).stat().st_size},
                )
            counts, kind = {"files": len(names)}, "zip"
        else:
            kind, counts = import_file(path=path, session=file.session)
    except Exception as error:
        # Whatever went wrong is 1C's `failure` answer and a line in the exchange log; the
        # import ran in its own transaction, so the catalog is as it was before.
        logger.exception("1C exchange: session %s, %s failed", file.session_id, file.name)
        _mark(
            file,
            ExchangeFile.Status.FAILED,
            error=session_relative(file.session, str(error) or repr(error))[:2000],
            finished_at=timezone.now(),
        )
        exchange_session_settle(session=file.session)
        return
    # Imported, but data was dropped or not understood: 1C hears `success` with warning lines.
    status = ExchangeFile.Status.WARNINGS if counts_warnings(counts) else ExchangeFile.Status.DONE
    _mark(file, status, kind=kind, counts=counts, finished_at=timezone.now())
    exchange_session_settle(session=file.session)


def exchange_import_step(*, session: ExchangeSession, filename: str) -> ImportState:
    """mode=import: start the file's import (after any pending archive), or report on it.

    Waits up to KABINET_EXCHANGE_IMPORT_WAIT seconds for the import to end before answering
    `progress`, so 1C polls a few times a minute, not a hundred times a second.
    """
    deadline = time.monotonic() + settings.KABINET_EXCHANGE_IMPORT_WAIT
    restarted = None
    while True:
        state = _import_step(session=session, filename=filename)
        restarted = restarted or (state if state.restarted else None)
        left = deadline - time.monotonic()
        if state.keyword != "progress":
            return state
        if left <= 0:
            return restarted or state  # 1C (and its log) learn that the import started over
        time.sleep(min(IMPORT_POLL, left))


def _import_step(*, session: ExchangeSession, filename: str) -> ImportState:
    from kabinet.exchange.tasks import exchange_file_import

    pending_zip = (
        session.files.filter(name__iendswith=".zip")
        .exclude(status__in=[ExchangeFile.Status.DONE])
        .first()
    )
    if pending_zip is not None:
        target = pending_zip
    else:
        try:
            name = safe_relative_path(filename)
        except UnsafeFileName:
            return ImportState("failure", _("Unsafe file name: %(name)s") % {"name": filename})
        target = session.files.filter(name=name).first()
        if target is None:
            return ImportState("failure", _("No such file was uploaded: %(name)s") % {"name": name})
    if target.status == ExchangeFile.Status.RECEIVED:
        updated = ExchangeFile.objects.filter(
            pk=target.pk, status=ExchangeFile.Status.RECEIVED
        ).update(status=ExchangeFile.Status.QUEUED)
        if updated:
            exchange_file_import.enqueue(target.pk)
        return ImportState("progress", _("%(name)s is queued") % {"name": target.name})
    if target.status in (ExchangeFile.Status.QUEUED, ExchangeFile.Status.RUNNING):
        restarted = _import_restart_if_dead(target)
        if restarted is not None:
            return restarted
    if target.status == ExchangeFile.Status.QUEUED:
        return ImportState("progress", _("%(name)s is queued") % {"name": target.name})
    if target.status == ExchangeFile.Status.RUNNING:
        return ImportState("progress", _("%(name)s is being imported") % {"name": target.name})
    if target.status == ExchangeFile.Status.FAILED:
        return ImportState("failure", f"{target.name}: {target.error}")
    return ImportState("success", _imported_message(target))


def _imported_message(file: ExchangeFile) -> str:
    """ "<name> is imported", and a "warning: …" line for each thing 1C's operator should know."""
    lines = [_("%(name)s is imported") % {"name": file.name}]
    lines += [f"warning: {text}" for text in counts_warnings(file.counts)]
    return "\n".join(lines)


def _import_restart_if_dead(file: ExchangeFile) -> ImportState | None:
    """A queued or running import whose worker died (killed, out of memory, a deploy): queue
    it again — its transaction was rolled back, so starting over is safe — or, after
    MAX_ATTEMPTS runs that all died, fail it. None while it is alive or waiting for a worker.
    """
    from kabinet.exchange.liveness import import_alive
    from kabinet.exchange.tasks import exchange_file_import

    if file.status == ExchangeFile.Status.QUEUED and _task_waiting(file.pk):
        return None
    if import_alive(file.pk):
        return None
    if file.status == ExchangeFile.Status.QUEUED and not _task_backend_visible():
        return None  # enqueued to a backend we cannot look into: trust it
    lost = ExchangeFile.objects.filter(pk=file.pk, status=file.status, attempts=file.attempts)
    if file.attempts >= MAX_ATTEMPTS:
        error = _(
            "The import stopped with its worker %(count)s times (killed or out of memory?); "
            "see the server log."
        ) % {"count": file.attempts}
        if lost.update(status=ExchangeFile.Status.FAILED, error=error, finished_at=timezone.now()):
            logger.error("1C exchange: %s: %s", file.name, error)
            _orphan_tasks_fail(file.pk)
        return ImportState("failure", f"{file.name}: {error}")
    if lost.update(status=ExchangeFile.Status.QUEUED):
        logger.warning("1C exchange: the worker importing %s died; queued again", file.name)
        _orphan_tasks_fail(file.pk)
        exchange_file_import.enqueue(file.pk)
    return ImportState(
        "progress", _("%(name)s is queued again") % {"name": file.name}, restarted=True
    )


TASK_PATH = "kabinet.exchange.tasks.exchange_file_import"


def _task_backend_visible() -> bool:
    from django_tasks_db import DatabaseBackend

    from kabinet.exchange.tasks import exchange_file_import

    return isinstance(exchange_file_import.get_backend(), DatabaseBackend)


def _task_waiting(file_id: int) -> bool:
    """Is a task for this file waiting in the queue (of django-tasks-db) for a worker?"""
    if not _task_backend_visible():
        return False
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=TASK_PATH, args_kwargs__args__0=file_id)
        .exists()
    )


def _orphan_tasks_fail(file_id: int) -> None:
    """The queue's row of a task whose worker died says "running" forever: say it failed."""
    if not _task_backend_visible():
        return
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.running().filter(task_path=TASK_PATH, args_kwargs__args__0=file_id).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="kabinet.exchange.liveness.WorkerDied",
        traceback="The worker running this task died; the exchange queued the file again.",
    )


def exchange_complete(*, session: ExchangeSession) -> None:
    """mode=complete: the exchange is over; its status says how it went, and work folders
    beyond the last few are removed."""
    ExchangeSession.objects.filter(pk=session.pk).update(closed=True)
    exchange_session_settle(session=session, final=True)
    exchange_folders_clean()


PENDING = (ExchangeFile.Status.RECEIVED, ExchangeFile.Status.QUEUED, ExchangeFile.Status.RUNNING)
IMPORTED_SUFFIXES = (".xml", ".zip")  # pictures are read by the XML that names them


@transaction.atomic
def exchange_session_settle(
    *, session: ExchangeSession, final: bool = False, at: datetime | None = None
) -> None:
    """The session's final status (success, with warnings, failed) once none of its files
    waits for an import — 1C does not always call `complete` — or when it calls `complete`
    (`final`). A file uploaded later opens the session again."""
    files = list(session.files.values_list("name", "status"))
    pending = any(
        status in PENDING and name.lower().endswith(IMPORTED_SUFFIXES) for name, status in files
    )
    if pending and not final:
        return
    statuses = {status for _name, status in files}
    if ExchangeFile.Status.FAILED in statuses:
        status = ExchangeSession.Status.FAILED
    elif ExchangeFile.Status.WARNINGS in statuses:
        status = ExchangeSession.Status.WARNINGS
    else:
        status = ExchangeSession.Status.COMPLETE
    session.status, session.finished_at = status, at or timezone.now()
    ExchangeSession.objects.filter(pk=session.pk).update(
        status=session.status, finished_at=session.finished_at
    )


def _session_reopen(session: ExchangeSession) -> None:
    """A file uploaded after the session got its final status: in progress again. Read from
    the database, not from `session`: the worker may have settled it since it was loaded."""
    ExchangeSession.objects.filter(pk=session.pk).exclude(
        status=ExchangeSession.Status.OPEN
    ).update(status=ExchangeSession.Status.OPEN, finished_at=None)
    session.status, session.finished_at = ExchangeSession.Status.OPEN, None


def exchange_folders_clean() -> list[int]:
    """Remove the work folders nobody needs any more; returns their session ids.

    Kept: the folders of open sessions (and of settled ones 1C may still add files to: not
    closed, started within KABINET_EXCHANGE_STALE_SECONDS), and of the last
    KABINET_EXCHANGE_KEEP_SESSIONS finished sessions of each kind (for diagnosis and the
    admin's "import again"). Open sessions 1C went silent in (no call for
    KABINET_EXCHANGE_STALE_SECONDS, no live import) are closed first (complete, or failed
    when abandoned mid-import), so their folders follow the same rule; folders of sessions
    that no longer exist go too.
    """
    from kabinet.exchange.liveness import import_lock_forget

    _abandoned_sessions_close()
    root = Path(settings.KABINET_EXCHANGE_DIR)
    if not root.is_dir():
        return []
    ids = {int(entry.name) for entry in root.iterdir() if entry.name.isdigit() and entry.is_dir()}
    if not ids:
        return []
    recent = timezone.now() - timedelta(seconds=settings.KABINET_EXCHANGE_STALE_SECONDS)
    keep = set(
        ExchangeSession.objects.filter(pk__in=ids)
        .filter(Q(status=ExchangeSession.Status.OPEN) | Q(closed=False, started_at__gte=recent))
        .values_list("pk", flat=True)
    )
    for kind in ExchangeSession.Kind.values:
        keep.update(
            ExchangeSession.objects.filter(kind=kind)
            .exclude(status=ExchangeSession.Status.OPEN)
            .order_by("-started_at", "-pk")
            .values_list("pk", flat=True)[: settings.KABINET_EXCHANGE_KEEP_SESSIONS]
        )
    removed = sorted(ids - keep)
    for pk in removed:
        shutil.rmtree(root / str(pk), ignore_errors=True)
    if removed:
        logger.info("1C exchange: removed the work folders of sessions %s", removed)
        import_lock_forget(
            ExchangeFile.objects.filter(session_id__in=removed).values_list("pk", flat=True)
        )
    return removed


def _abandoned_sessions_close() -> None:
    """Close the open sessions 1C went silent in for KABINET_EXCHANGE_STALE_SECONDS.

    Older 1C releases never call `complete` (and order exchanges often do not): a silent
    session whose imports all ended is simply complete, as of its last activity. One that
    still has an import queued or running with no live worker was abandoned mid-way: it and
    those files are failed.
    """
    from kabinet.exchange.liveness import import_alive

    now = timezone.now()
    limit = now - timedelta(seconds=settings.KABINET_EXCHANGE_STALE_SECONDS)
    candidates = ExchangeSession.objects.filter(
        status=ExchangeSession.Status.OPEN, started_at__lt=limit
    )
    for session in candidates:
        last = _last_activity(session)
        if last >= limit:
            continue
        unfinished = session.files.filter(
            status__in=[ExchangeFile.Status.QUEUED, ExchangeFile.Status.RUNNING]
        )
        pending = list(unfinished.values_list("pk", flat=True))
        if any(import_alive(pk) for pk in pending):
            continue
        still_open = ExchangeSession.objects.filter(
            pk=session.pk, status=ExchangeSession.Status.OPEN
        )
        if not pending:
            if still_open.update(closed=True):
                exchange_session_settle(session=session, final=True, at=last)
            continue
        error = _("Abandoned: no call from 1C for %(minutes)s minutes.") % {
            "minutes": settings.KABINET_EXCHANGE_STALE_SECONDS // 60
        }
        if still_open.update(
            status=ExchangeSession.Status.FAILED, finished_at=now, error=error, closed=True
        ):
            unfinished.update(status=ExchangeFile.Status.FAILED, error=error, finished_at=now)
            logger.warning("1C exchange: session %s abandoned", session.pk)


def _last_activity(session: ExchangeSession):
    """The last sign of 1C: a file received or imported, or a byte appended to the folder."""
    times = session.files.aggregate(
        received=Max("received_at"), started=Max("started_at"), finished=Max("finished_at")
    )
    latest = max([session.started_at, *[value for value in times.values() if value]])
    folder = session_dir(session)
    if folder.is_dir():
        newest = max((entry.stat().st_mtime for entry in [folder, *folder.rglob("*")]), default=0)
        latest = max(latest, datetime.fromtimestamp(newest, tz=UTC))
    return latest


def exchange_file_rerun(*, file_id: int) -> None:
    """Staff's "import again" on a file of the exchange log (it is still in the work folder)."""
    from kabinet.exchange.tasks import exchange_file_import

    ExchangeFile.objects.filter(pk=file_id).update(
        status=ExchangeFile.Status.QUEUED, error="", counts={}, finished_at=None, attempts=0
    )
    exchange_file_import.enqueue(file_id)


def exchange_import_now(*, session: ExchangeSession, file: ExchangeFile) -> ImportState:
    """The old order flow: 1C posts a documents file and expects it imported in the same call."""
    ExchangeFile.objects.filter(pk=file.pk).update(status=ExchangeFile.Status.QUEUED)
    exchange_file_run(file_id=file.pk)
    file.refresh_from_db()
    if file.status == ExchangeFile.Status.FAILED:
        return ImportState("failure", file.error)
    return ImportState("success", "\n".join(f"warning: {t}" for t in counts_warnings(file.counts)))
