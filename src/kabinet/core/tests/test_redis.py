"""With REDIS_URL set (issue 13, point 3): Redis is the shared cache and the session cache,
and the task queue may be RQ's. Run by `make test-redis` against the machine's Redis; skipped
when REDIS_URL is not set (`make test-redis` makes that a failure under CI)."""

import os

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django_redis import get_redis_connection
from django_tasks import TaskResultStatus

from kabinet.core.tests.tasks import run_record
from kabinet.core.tests.workers import runs, worker_environment, worker_start, worker_stop

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set")

RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def test_redis_is_the_cache_and_sessions_are_cached_in_it_and_kept_in_the_database():
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    cache.set("probe", "value")
    assert get_redis_connection("default").exists(cache.make_key("probe")) == 1


def test_a_logged_in_user_stays_logged_in_when_redis_restarts_empty(partner_admin, password):
    client = Client()
    response = client.post(
        "/account/login/", {"username": partner_admin.email, "password": password}
    )
    assert response.status_code == 302
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    redis = get_redis_connection("default")
    session_cache_key = cache.make_key(f"django.contrib.sessions.cached_db{session_key}")
    assert redis.exists(session_cache_key) == 1  # read from Redis…
    assert Session.objects.filter(session_key=session_key).exists()  # …kept in the database

    redis.flushdb()  # what a restarted Redis without persistence holds: nothing

    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == partner_admin
    assert redis.exists(session_cache_key) == 1  # cached again on that first read


def test_a_task_enqueued_on_rq_is_run_by_an_rq_worker_process(settings, tmp_path):
    settings.TASKS = RQ
    record = tmp_path / "runs.txt"
    result = run_record.enqueue(str(record), 7)
    assert result.status == TaskResultStatus.READY
    worker = worker_start(
        worker_environment(tmp_path, TASKS_BACKEND="rq"), "--burst", "--name", "kabinet-test-worker"
    )
    try:
        assert worker.wait(timeout=120) == 0
    finally:
        errors = worker_stop(worker)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, errors
    assert result.return_value == "ran 7"
    [(marker, pid)] = runs(record)
    assert (marker, pid != os.getpid()) == (7, True)  # run by the worker, not here
    assert result.worker_ids == ["kabinet-test-worker"]


def test_two_rq_workers_run_each_task_once(settings, tmp_path):
    settings.TASKS = RQ
    record = tmp_path / "runs.txt"
    results = [run_record.enqueue(str(record), n, 0.4) for n in range(12)]
    env = worker_environment(tmp_path, TASKS_BACKEND="rq")
    workers = [worker_start(env, "--burst", "--name", name) for name in ("first", "second")]
    try:
        for worker in workers:
            assert worker.wait(timeout=180) == 0
    finally:
        errors = [worker_stop(worker) for worker in workers]
    assert sorted(marker for marker, _pid in runs(record)) == list(range(12)), errors
    for result in results:
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == f"ran {result.args[1]}"
        assert len(result.worker_ids) == 1
    assert {name for result in results for name in result.worker_ids} == {"first", "second"}
