"""Scheduled jobs (issue 13, point 4): each does its work, is idempotent, and runs alone."""

import io
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kabinet.core import jobs
from kabinet.core.jobs import JOBS, Job, crontab, job_lock, job_run
from kabinet.core.tests.tasks import run_record
from kabinet.core.tests.workers import ROOT, worker_environment
from kabinet.imports.models import ImportJob
from kabinet.imports.tests.factories import import_jobs_make

LONG_AGO = timezone.now() - timedelta(days=400)


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def twice(name):
    return [job_run(name=name), job_run(name=name)]


def test_purge_imports_deletes_old_quick_order_jobs_once(partner, other_partner):
    old = import_jobs_make(other_partner)
    ImportJob.objects.filter(pk=old.pk).update(created_at=LONG_AGO)
    recent = import_jobs_make(partner)
    assert twice("purge-imports") == [
        "1 old quick-order jobs deleted.",
        "0 old quick-order jobs deleted.",
    ]
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]


def test_sessions_expire_deletes_only_expired_sessions(db):
    alive, expired = SessionStore(), SessionStore()
    alive.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=LONG_AGO)
    assert twice("sessions-expire") == [
        "Expired sessions deleted: 1.",
        "Expired sessions deleted: 0.",
    ]
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]


def test_login_failures_expire_after_the_lockout_time(db, settings):
    old = AccessAttempt.objects.create(
        username="a@x.example", ip_address="10.0.0.1", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    fresh = AccessAttempt.objects.create(
        username="b@x.example", ip_address="10.0.0.2", failures_since_start=1
    )
    assert twice("login-failures-expire") == [
        "Expired failed-login records deleted: 1.",
        "Expired failed-login records deleted: 0.",
    ]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_task_results_expire_keeps_recent_and_unfinished_ones(db, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old_done, recent_done, old_waiting = (
        run_record.enqueue(str(tmp_path / "r"), n).id for n in range(3)
    )
    DBTaskResult.objects.filter(pk__in=[old_done, recent_done]).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
    )
    DBTaskResult.objects.filter(pk=old_done).update(finished_at=LONG_AGO)
    DBTaskResult.objects.filter(pk=old_waiting).update(enqueued_at=LONG_AGO)
    assert twice("task-results-expire") == [
        "Old background-task results deleted: 1.",
        "Old background-task results deleted: 0.",
    ]
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {
        str(recent_done),
        str(old_waiting),
    }


def test_exchange_folders_clean_removes_folders_of_gone_sessions(db, settings):
    gone = settings.KABINET_EXCHANGE_DIR / "999"
    gone.mkdir(parents=True)
    (gone / "import.xml").write_text("<x/>")
    assert twice("exchange-folders-clean") == [
        "1C exchange work folders removed: 1.",
        "1C exchange work folders removed: 0.",
    ]
    assert not gone.exists()


def run_in_another_process(*args, tmp_path):
    env = worker_environment(tmp_path, LOG_LEVEL="ERROR")
    return subprocess.run(
        [sys.executable, "-m", "kabinet.cli", "jobs", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_job_running_elsewhere_is_left_to_that_run(transactional_db, partner, settings, tmp_path):
    old = import_jobs_make(partner)
    ImportJob.objects.filter(pk=old.pk).update(created_at=LONG_AGO)
    with job_lock("purge-imports") as claimed:
        assert claimed
        busy = run_in_another_process("run", "purge-imports", tmp_path=tmp_path)
        assert ImportJob.objects.filter(pk=old.pk).exists()
    done = run_in_another_process("run", "purge-imports", tmp_path=tmp_path)

    with translation.override(settings.LANGUAGE_CODE):  # commands speak the portal's language
        left = translation.gettext("already running elsewhere; left to that run.")
        deleted = translation.gettext("%(count)s old quick-order jobs deleted.") % {"count": 1}
    assert (busy.returncode, busy.stdout) == (0, f"purge-imports: {left}\n"), busy.stderr
    assert (done.returncode, done.stdout) == (0, f"purge-imports: {deleted}\n"), done.stderr
    assert not ImportJob.objects.filter(pk=old.pk).exists()


def test_the_crontab_runs_every_job_of_the_list():
    lines = crontab(command="/srv/kabinet/.venv/bin/kabinet", log="/var/log/kabinet/jobs.log")
    assert lines.splitlines() == [
        f"{job.cron} /srv/kabinet/.venv/bin/kabinet jobs run {job.name}"
        " >> /var/log/kabinet/jobs.log 2>&1"
        for job in JOBS
    ]
    assert [job.name for job in JOBS] == [
        "purge-imports",
        "exchange-folders-clean",
        "sessions-expire",
        "login-failures-expire",
        "task-results-expire",
        "event-reminders",
        "api-calls-purge",
    ]
    assert all(len(job.cron.split()) == 5 for job in JOBS)


def test_run_all_goes_on_past_a_failing_job_and_then_fails(db, monkeypatch):
    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "JOBS", [Job("broken", "* * * * *", broken, ""), *JOBS])
    monkeypatch.setattr("kabinet.core.management.commands.jobs.JOBS", jobs.JOBS)
    output = io.StringIO()
    with pytest.raises(CommandError, match=r"^Jobs failed: broken\.$"):
        call_command("jobs", "run", "--all", stdout=output)
    assert [line.split(":")[0] for line in output.getvalue().splitlines()] == [
        job.name for job in JOBS
    ]


def test_run_refuses_unknown_job_names(db):
    with pytest.raises(CommandError, match=r"^Unknown jobs: nope\. Known: "):
        call_command("jobs", "run", "nope")


def test_api_calls_purge_deletes_calls_past_the_keep_days_once(db, settings):
    from kabinet.api.models import ApiCall

    settings.KABINET_API_LOG_KEEP_DAYS = 90
    call = {"method": "GET", "path": "/api/erp/v1/payments", "status": 200, "duration_ms": 5}
    old = ApiCall.objects.create(at=timezone.now() - timedelta(days=91), **call)
    recent = ApiCall.objects.create(at=timezone.now() - timedelta(days=89), **call)

    assert twice("api-calls-purge") == ["1 old API calls deleted.", "0 old API calls deleted."]
    assert list(ApiCall.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ApiCall.objects.filter(pk=old.pk).exists()


def test_event_reminders_job_reminds_nobody_twice(db):
    assert twice("event-reminders") == ["0 event reminders sent.", "0 event reminders sent."]
