"""Issue 8, item 4: mode=import holds the call until the import is done or
KABINET_EXCHANGE_IMPORT_WAIT has passed, and polling never piles up database connections."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kabinet.catalog.models import Product
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import URL, OneC

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"


def catalog(products=3) -> bytes:
    return cml.render(
        cml.classifier(cml.groups({"g-1": ("Перчатки", {})})),
        cml.catalog(
            *[cml.product(f"p-{n}", f"Перчатки {n}", group_ids=["g-1"]) for n in range(products)],
            only_changes=False,
        ),
    )


def started() -> OneC:
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    client = OneC()
    assert client.checkauth()[0] == "success"
    client.call("init")
    return client


def test_one_import_call_waits_for_a_short_import_and_answers_success(task_worker, settings):
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 30
    client = started()
    client.upload("import.xml", catalog())

    assert client.call("import", filename="import.xml") == "success\nimport.xml is imported"
    assert Product.objects.count() == 3


def test_a_zip_and_the_file_in_it_are_done_in_one_call(task_worker, settings):
    import io
    import zipfile

    settings.KABINET_EXCHANGE_IMPORT_WAIT = 30
    client = started()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("import.xml", catalog())
    client.upload("package.zip", buffer.getvalue())

    assert client.call("import", filename="import.xml") == "success\nimport.xml is imported"


@pytest.mark.django_db
def test_an_import_not_done_in_time_answers_progress_after_the_wait(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 0.6
    client = started()
    client.upload("import.xml", catalog())

    began = time.monotonic()
    answer = client.call("import", filename="import.xml")
    took = time.monotonic() - began

    assert answer == "progress\nimport.xml is queued"
    assert took >= 0.6
    began = time.monotonic()
    assert client.call("import", filename="import.xml") == "progress\nimport.xml is queued"
    assert time.monotonic() - began >= 0.6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_polling_the_development_server_does_not_pile_up_database_connections(
    transactional_db, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: counts the server's connections")
    client = started()  # the account, committed for the server process
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kabinet.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "SECURE_SSL_REDIRECT": "0",
        "KABINET_EXCHANGE_DIR": str(tmp_path / "exchange"),
        "KABINET_VAR_DIR": str(tmp_path / "var"),
        "KABINET_EXCHANGE_IMPORT_WAIT": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "kabinet.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kept_open = []
    try:

        def poll():
            # Like a client that keeps its connections alive between calls (1C, requests…).
            link = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            link.request(
                "GET",
                f"{URL}?type=catalog&mode=import&filename=import.xml",
                headers={"Cookie": f"kabinet_1c={client.client.cookies['kabinet_1c'].value}"},
            )
            response = link.getresponse()
            body = response.read().decode()
            kept_open.append(link)
            return response.status, body

        deadline = time.monotonic() + 120
        while True:
            try:
                status, body = poll()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 200
        assert body.startswith("failure\n")  # no such file: the call went through the database
        before = server_connections()
        for _call in range(25):
            assert poll()[0] == 200
        # A call's connection is closed just after its answer is sent: give it a moment.
        settle = time.monotonic() + 5
        while (after := server_connections()) > before and time.monotonic() < settle:
            time.sleep(0.1)
    finally:
        for link in kept_open:
            link.close()
        server.terminate()
        server.wait(timeout=30)

    assert after <= before


@pytest.mark.parametrize(
    ("command", "environment", "expected"),
    [
        ("db_worker", {}, 60),
        ("db_worker", {"DB_CONN_MAX_AGE": "0"}, 0),
        ("serve", {"DB_CONN_MAX_AGE": "300"}, 300),
        ("runserver", {}, 0),
        ("runserver", {"DB_CONN_MAX_AGE": "60"}, 0),
        ("demo", {"DB_CONN_MAX_AGE": "60"}, 0),
    ],
)
def test_connection_reuse_is_set_by_the_environment_but_never_on_the_development_server(
    command, environment, expected
):
    script = (
        "import sys; sys.argv = ['kabinet', sys.argv[1]];"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DB_CONN_MAX_AGE"},
        "DJANGO_SETTINGS_MODULE": "kabinet.settings",
        "DATABASE_URL": "postgres://kabinet@127.0.0.1:5432/kabinet",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", script, command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(expected)
