"""The whole protocol against a live server with a real task worker, driven like 1C."""

import pytest
from lxml import etree

from kabinet.catalog.models import Product
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile
from kabinet.exchange.replay import Exchange1C
from kabinet.exchange.tests import cml_writer as cml
from kabinet.pricing.models import Price, Stock


@pytest.fixture
def package(tmp_path):
    folder = tmp_path / "package"
    (folder / "import_files" / "9d").mkdir(parents=True)
    (folder / "import_files" / "9d" / "gloves.jpg").write_bytes(b"\xff\xd8\xff\xe0 fake jpeg")
    cml.write(
        folder / "import0_1.xml",
        cml.classifier(
            cml.groups({"g-1": ("Перчатки", {})}),
            cml.price_types({"pt-1": "Оптовая"}),
            cml.warehouses({"w-1": "Москва", "w-2": "Казань"}),
        ),
        cml.catalog(
            *[
                cml.product(
                    f"p-{n}",
                    f"Перчатки {n}",
                    article=f"GL-{n}",
                    group_ids=["g-1"],
                    images=["import_files/9d/gloves.jpg"] if n == 0 else [],
                )
                for n in range(30)
            ],
            only_changes=False,
        ),
        encoding="windows-1251",
    )
    cml.write(
        folder / "offers0_1.xml",
        cml.package(
            *[
                cml.offer(
                    f"p-{n}", prices=[("pt-1", f"{100 + n}.00")], rests={"w-1": "5", "w-2": "7"}
                )
                for n in range(30)
            ],
            only_changes=False,
        ),
        version="2.09",
        namespace="urn:1C.ru:commerceml_210",
    )
    return folder


@pytest.mark.parametrize("use_zip", [True, False])
def test_replay_client_runs_the_whole_exchange(
    live_server, task_worker, package, settings, tmp_path, use_zip
):
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KABINET_EXCHANGE_ZIP = use_zip
    settings.KABINET_EXCHANGE_FILE_LIMIT = 4096  # forces chunked uploads
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    exchange = Exchange1C(
        f"{live_server.url}/exchange/1c/",
        "1c@supplier.local",
        "exchange-secret",
        log=lambda line: None,
        poll_seconds=0.05,
        max_polls=200,
    )
    exchange.catalog(package)
    orders = exchange.sale()

    assert exchange.result.files == ["import0_1.xml", "offers0_1.xml"]
    assert Product.objects.filter(is_active=True).count() == 30
    assert Price.objects.count() == 30
    assert Stock.objects.count() == 60
    assert Product.objects.get(ext_id="p-0").images.count() == 1
    assert etree.fromstring(orders).findall("Документ") == []
    assert set(
        ExchangeFile.objects.filter(name__endswith=".xml").values_list("status", flat=True)
    ) == {"done"}

    # The same package again: nothing new, pictures unchanged by hash.
    exchange = Exchange1C(
        f"{live_server.url}/exchange/1c/",
        "1c@supplier.local",
        "exchange-secret",
        log=lambda line: None,
        poll_seconds=0.05,
        max_polls=200,
    )
    exchange.catalog(package)
    assert Product.objects.count() == 30
    assert Product.objects.get(ext_id="p-0").images.count() == 1
