"""Issue 8, items 8 and 11: what 1C and the exchange log are told about files (never a server
path), archives with an absurd compression ratio, and the work folders cleaned up."""

import pytest

from kabinet.catalog.models import Product
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile
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
