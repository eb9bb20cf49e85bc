"""Issue 8, items 8 and 11: what 1C and the exchange log are told about files (never a server
path), archives with an absurd compression ratio, and the work folders cleaned up."""

import io
import os
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from kabinet.catalog.models import Product
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")


def catalog(products=2) -> bytes:
    return cml.render(
        cml.classifier(cml.groups({"g-1": ("Перчатки", {})})),
        cml.catalog(
            *[cml.product(f"p-{n}", f"Перчатки {n}", group_ids=["g-1"]) for n in range(products)],
            only_changes=False,
        ),
    )


def started() -> OneC:
    client = OneC()
    assert client.checkauth()[0] == "success"
    client.call("init")
    return client


def test_a_failed_import_names_the_file_relative_to_the_session_not_the_server_path(tmp_path):
    client = started()
    client.upload("goods/1/import.xml", catalog()[:-40])

    answer = client.import_until_done("goods/1/import.xml")

    file = ExchangeFile.objects.get(name="goods/1/import.xml")
    assert str(tmp_path) not in answer
    assert str(tmp_path) not in file.error
    assert file.error.startswith("goods/1/import.xml:")
    assert "malformed XML" in file.error
    assert answer == f"failure\ngoods/1/import.xml: {file.error}"
    assert Product.objects.count() == 0


def test_a_file_gone_from_the_work_folder_is_named_relative_to_the_session(tmp_path, settings):
    client = started()
    client.upload("import.xml", catalog())
    file = ExchangeFile.objects.get(name="import.xml")
    (settings.KABINET_EXCHANGE_DIR / str(file.session_id) / "import.xml").unlink()

    answer = client.import_until_done("import.xml")

    file.refresh_from_db()
    assert answer.startswith("failure\nimport.xml: ")
    assert str(tmp_path) not in answer
    assert "import.xml" in file.error
    assert str(tmp_path) not in file.error


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def test_an_archive_with_an_absurd_compression_ratio_is_refused_before_unpacking(settings):
    bomb = zip_of({"import.xml": b"<a>" + b"\0" * (64 * 1024**2) + b"</a>"})
    assert len(bomb) < 200_000  # 64 MiB in well under 200 kB: a ratio above 300
    client = started()
    client.upload("bomb.zip", bomb)

    answer = client.import_until_done("import.xml")

    times = (64 * 1024**2 + 7) // len(bomb)
    assert answer == (
        f"failure\nbomb.zip: The archive unpacks to at least {times} times its size (at most "
        "200 allowed): refused as a zip bomb."
    )
    folder = settings.KABINET_EXCHANGE_DIR / str(ExchangeFile.objects.get().session_id)
    assert sorted(path.name for path in folder.iterdir()) == ["bomb.zip"]


def test_the_ratio_limit_is_a_setting_and_a_genuine_package_passes(settings):
    settings.KABINET_EXCHANGE_MAX_RATIO = 2000
    client = started()
    client.upload("package.zip", zip_of({"import.xml": catalog(), "x.bin": b"\0" * 20 * 1024**2}))
    assert client.import_until_done("import.xml") == "success\nimport.xml is imported"
    assert Product.objects.count() == 2


def finished_exchange(kind="catalog") -> int:
    client = OneC(kind=kind)
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    client.upload("import.xml" if kind == "catalog" else "orders.xml", catalog())
    if kind == "catalog":
        assert client.import_until_done("import.xml").startswith("success")
    assert client.call("complete") == "success"
    return ExchangeSession.objects.get(sessid=client.sessid).pk


def folders(settings) -> list[str]:
    root = settings.KABINET_EXCHANGE_DIR
    return sorted((entry.name for entry in root.iterdir() if entry.name.isdigit()), key=int)


def test_complete_keeps_only_the_last_sessions_folders_of_each_kind(settings):
    settings.KABINET_EXCHANGE_KEEP_SESSIONS = 2
    catalogs = [finished_exchange() for _n in range(3)]
    orders = finished_exchange("sale")
    assert folders(settings) == [str(pk) for pk in [*catalogs[1:], orders]]

    catalogs.append(finished_exchange())
    assert folders(settings) == [str(pk) for pk in [catalogs[2], orders, catalogs[3]]]
    # The exchange log keeps every session and file.
    assert ExchangeSession.objects.count() == 5
    assert ExchangeFile.objects.count() == 5


def test_with_nothing_to_keep_complete_removes_the_sessions_own_folder(settings):
    settings.KABINET_EXCHANGE_KEEP_SESSIONS = 0
    finished_exchange()
    assert folders(settings) == []


def age(session: ExchangeSession, settings) -> None:
    """Make the session look silent for longer than KABINET_EXCHANGE_STALE_SECONDS."""
    long_ago = timezone.now() - timedelta(seconds=settings.KABINET_EXCHANGE_STALE_SECONDS + 60)
    ExchangeSession.objects.filter(pk=session.pk).update(started_at=long_ago)
    ExchangeFile.objects.filter(session=session).update(
        received_at=long_ago, started_at=None, finished_at=None
    )
    folder = settings.KABINET_EXCHANGE_DIR / str(session.pk)
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (long_ago.timestamp(), long_ago.timestamp()))
    return long_ago


def test_silent_sessions_are_closed_and_their_folders_removed_at_the_next_checkauth(settings):
    settings.KABINET_EXCHANGE_KEEP_SESSIONS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.KABINET_EXCHANGE_IMPORT_WAIT = 0
    abandoned = started()  # an import queued, its worker gone, 1C silent
    abandoned.upload("import.xml", catalog())
    assert abandoned.call("import", filename="import.xml").startswith("progress")
    ExchangeFile.objects.filter(status=ExchangeFile.Status.QUEUED).update(
        status=ExchangeFile.Status.RUNNING
    )
    ended = started()  # an old 1C: everything uploaded and imported, but no `complete`
    ended.upload("import_files/1.jpg", b"picture")
    alive = started()
    alive.upload("import.xml", catalog())
    abandoned_session, ended_session, alive_session = (
        ExchangeSession.objects.get(sessid=client.sessid) for client in (abandoned, ended, alive)
    )
    age(abandoned_session, settings)
    last_call = age(ended_session, settings)
    orphan = settings.KABINET_EXCHANGE_DIR / "999999"
    orphan.mkdir()

    assert OneC().checkauth()[0] == "success"

    for session in (abandoned_session, ended_session, alive_session):
        session.refresh_from_db()
    assert (abandoned_session.status, abandoned_session.error) == (
        ExchangeSession.Status.FAILED,
        "Abandoned: no call from 1C for 30 minutes.",
    )
    assert ExchangeFile.objects.get(session=abandoned_session).status == "failed"
    assert (ended_session.status, ended_session.error) == (ExchangeSession.Status.COMPLETE, "")
    assert abs((ended_session.finished_at - last_call).total_seconds()) < 1
    assert alive_session.status == ExchangeSession.Status.OPEN
    assert folders(settings) == [str(alive_session.pk)]
    assert not orphan.exists()
    assert (settings.KABINET_EXCHANGE_DIR / str(alive_session.pk) / "import.xml").exists()
    # 1C, if it ever comes back with the old cookie, hears the import is over.
    assert abandoned.call("import", filename="import.xml") == (
        "failure\nimport.xml: Abandoned: no call from 1C for 30 minutes."
    )
