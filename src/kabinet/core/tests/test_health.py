"""/healthz and /readyz, as a load balancer calls them."""

import pytest
from django.db import connection
from django.test import Client

from kabinet.core import health

READY = {"status": "ok", "checks": {"database": "ok", "cache": "ok", "migrations": "ok"}}


def test_healthz_answers_without_touching_the_database():
    # No `db` fixture: pytest-django makes any database access here an error.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_checks_over_plain_http_are_answered_not_redirected_to_https(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ["^healthz$", "^readyz$"]
    from kabinet import settings as production

    assert production.SECURE_REDIRECT_EXEMPT == settings.SECURE_REDIRECT_EXEMPT
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/account/login/").status_code == 301  # the rest still goes to HTTPS


def test_readyz_is_ready_when_database_cache_and_migrations_are(db):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY


def test_readyz_fails_while_a_migration_is_not_applied(db, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'orders'")
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "cache": "ok", "migrations": "fail"},
    }


def test_readyz_fails_when_the_cache_does_not_answer_and_tells_no_error_text(db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "cache": "fail", "migrations": "ok"},
    }


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_take_only_get(path, db):
    assert Client().post(path).status_code == 405
