"""Scheduled jobs: what runs periodically, when, and the lock that makes each run alone.

The schedule is the list JOBS below; cron runs `kabinet jobs run NAME` at each job's time
(`kabinet jobs crontab` prints the lines to install; docs/deployment.md says why cron). Each
job is idempotent (a second run finds nothing left to do) and holds a lock while it runs, so
the same crontab may be installed on every app server: a run that finds its job running
elsewhere leaves it to that one.

To add a job: write a function returning a one-line summary, and add a Job to JOBS.
"""

import fcntl
import logging
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The first key of the two-key advisory locks of the jobs: "5C" "ED" (scheduled) in hex-speak.
JOB_LOCK_SPACE = 0x5CED
# Finished background-task results kept this many days (the admin shows them), then deleted.
TASK_RESULTS_KEEP_DAYS = 14


@dataclass(frozen=True)
class Job:
    name: str
    cron: str  # minute hour day-of-month month day-of-week, in the server's time zone
    run: Callable[[], str]  # does the work; returns a one-line summary
    description: str


def purge_imports() -> str:
    from kabinet.imports.services import import_jobs_purge

    return _("%(count)s old quick-order jobs deleted.") % {"count": import_jobs_purge()}


def exchange_folders_clean() -> str:
    from kabinet.exchange.services import exchange_folders_clean as clean

    removed = clean()
    return _("1C exchange work folders removed: %(count)s.") % {"count": len(removed)}


def sessions_expire() -> str:
    from django.contrib.sessions.models import Session

    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return _("Expired sessions deleted: %(count)s.") % {"count": deleted}


def login_failures_expire() -> str:
    from axes.models import AccessAttempt

    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _by_model = AccessAttempt.objects.filter(attempt_time__lte=threshold).delete()
    return _("Expired failed-login records deleted: %(count)s.") % {"count": deleted}


def task_results_expire() -> str:
    from django_tasks_db.models import DBTaskResult

    threshold = timezone.now() - timedelta(days=TASK_RESULTS_KEEP_DAYS)
    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lte=threshold).delete()
    return _("Old background-task results deleted: %(count)s.") % {"count": deleted}


def event_reminders_send() -> str:
    from kabinet.events.services import event_reminders_send as send

    return _("%(count)s event reminders sent.") % {"count": send()}


def api_calls_purge() -> str:
    from kabinet.api.services import api_calls_purge as purge

    return _("%(count)s old API calls deleted.") % {"count": purge()}


JOBS: list[Job] = [
    Job(
        "purge-imports",
        "15 3 * * *",
        purge_imports,
        "quick-order files and reports older than KABINET_IMPORT_KEEP_DAYS days",
    ),
    Job(
        "exchange-folders-clean",
        "*/30 * * * *",
        exchange_folders_clean,
        "close 1C exchanges gone silent; remove work folders nobody needs",
    ),
    Job("sessions-expire", "30 3 * * *", sessions_expire, "expired login sessions"),
    Job(
        "login-failures-expire",
        "45 3 * * *",
        login_failures_expire,
        "failed-login records older than the lockout time",
    ),
    Job(
        "task-results-expire",
        "0 4 * * *",
        task_results_expire,
        f"finished background-task results older than {TASK_RESULTS_KEEP_DAYS} days",
    ),
    Job(
        "event-reminders",
        "*/15 * * * *",
        event_reminders_send,
        "remind participants of events starting within a day, once each",
    ),
    Job(
        "api-calls-purge",
        "30 4 * * *",
        api_calls_purge,
        "API call log entries older than KABINET_API_LOG_KEEP_DAYS days",
    ),
]


def job_get(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Hold the job's lock while the block runs; yields False when another run holds it.

    PostgreSQL: a session-level advisory lock, shared by every server using the database and
    dropped with the connection of a process that dies. SQLite (one server, by necessity): an
    flock on VAR_DIR/locks/job-NAME.lock, dropped by the kernel with a dead process.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32(name.encode()) & 0x7FFFFFFF
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [JOB_LOCK_SPACE, key])
            claimed = cursor.fetchone()[0]
        try:
            yield claimed
        finally:
            if claimed and connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [JOB_LOCK_SPACE, key])
        return
    path = Path(settings.VAR_DIR) / "locks" / f"job-{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def job_run(*, name: str) -> str | None:
    """Run the job under its lock; its summary, or None when another run holds the lock."""
    job = job_get(name)
    with job_lock(job.name) as claimed:
        if not claimed:
            logger.info("job %s: already running elsewhere, left to that run", job.name)
            return None
        summary = job.run()
    logger.info("job %s: %s", job.name, summary)
    return summary


def crontab(*, command: str = "kabinet", log: str = "") -> str:
    """The crontab lines that run every job at its time."""
    redirect = f" >> {log} 2>&1" if log else ""
    return "".join(f"{job.cron} {command} jobs run {job.name}{redirect}\n" for job in JOBS)
