"""The /exchange/1c/ endpoint as 1C sees it: answers, cookies, uploads, imports, orders."""

import zipfile
from decimal import Decimal

import pytest
from lxml import etree

from kabinet.catalog.models import Product, Variant
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC, zipped
from kabinet.pricing.models import Price, Stock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.MEDIA_ROOT = tmp_path / "media"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")


def catalog_files():
    groups = cml.groups({"g-1": ("Перчатки", {}), "g-2": ("Шприцы", {})})
    imported = cml.render(
        cml.classifier(
            groups, cml.price_types({"pt-1": "Оптовая"}), cml.warehouses({"w-1": "Москва"})
        ),
        cml.catalog(
            cml.product(
                "p-1",
                "Перчатки нитриловые",
                article="GL-1",
                group_ids=["g-1"],
                vat="10",
                barcode="4601234567893",
                requisites=[("Код", "00-0001")],
            ),
            cml.product("p-2", "Шприц 5 мл", article="SY-5", group_ids=["g-2"], vat="20"),
            only_changes=False,
        ),
    )
    offers = cml.render(
        cml.package(
            cml.offer(
                "p-1#c-s",
                name="Перчатки (S)",
                prices=[("pt-1", "350.50")],
                stock={"w-1": "12"},
                characteristics=[("Размер", "S")],
            ),
            cml.offer(
                "p-1#c-m",
                name="Перчатки (M)",
                prices=[("pt-1", "350.50")],
                stock={"w-1": "0"},
                characteristics=[("Размер", "M")],
            ),
            cml.offer("p-2", prices=[("pt-1", "12,40")], quantity="1000"),
            only_changes=False,
        )
    )
    return imported, offers


def test_checkauth_answers_success_cookie_sessid_and_timestamp():
    lines = OneC().checkauth()
    assert lines[0] == "success"
    assert lines[1] == "kabinet_1c"
    assert len(lines[2]) > 20
    assert lines[3].startswith("sessid=")
    assert lines[4].startswith("timestamp=")


@pytest.mark.parametrize(("login", "password"), [("1c@supplier.local", "wrong"), ("nobody@x", "x")])
def test_checkauth_refuses_wrong_credentials_with_failure(login, password):
    lines = OneC(login=login, password=password).checkauth()
    assert lines[0] == "failure"


def test_a_partner_user_cannot_exchange(partner_admin, password):
    assert OneC(login=partner_admin.email, password=password).checkauth()[0] == "failure"


def test_calls_without_checkauth_are_refused():
    assert OneC().call("init").startswith("failure")


def test_init_answers_zip_and_file_limit_and_echoes_the_version(settings):
    client = OneC()
    client.checkauth()
    assert client.call("init") == f"zip=yes\nfile_limit={settings.KABINET_EXCHANGE_FILE_LIMIT}"
    answer = client.call("init", version="2.08").split("\n")
    assert answer[2] == f"sessid={client.sessid}"
    assert answer[3] == "version=2.08"


def test_unknown_mode_and_type_get_failure():
    client = OneC()
    client.checkauth()
    assert client.call("dance").startswith("failure")
    client.kind = "weather"
    assert client.call("init").startswith("failure")


def test_a_full_exchange_imports_catalog_prices_and_stock():
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, offers = catalog_files()
    client.upload("import.xml", imported, chunk=700)  # chunks are appended
    client.upload("offers.xml", offers)
    assert client.import_until_done("import.xml").startswith("success")
    assert client.import_until_done("offers.xml").startswith("success")
    assert client.call("complete") == "success"

    gloves = Product.objects.get(ext_id="p-1")
    assert (gloves.name, gloves.article, gloves.erp_code, gloves.vat_rate) == (
        "Перчатки нитриловые",
        "GL-1",
        "00-0001",
        Decimal("10"),
    )
    assert sorted(gloves.variants.filter(is_active=True).values_list("ext_id", "size")) == [
        ("p-1#c-m", "M"),
        ("p-1#c-s", "S"),
    ]
    assert Price.objects.get(variant__ext_id="p-1#c-s").amount == Decimal("350.50")
    assert Stock.objects.get(variant__ext_id="p-1#c-s").quantity == 12
    assert Price.objects.get(variant__ext_id="p-2").amount == Decimal("12.40")
    assert Stock.objects.get(variant__ext_id="p-2").quantity == 1000
    session = ExchangeSession.objects.get()
    assert session.status == ExchangeSession.Status.COMPLETE
    assert {f.name: f.status for f in session.files.all()} == {
        "import.xml": "done",
        "offers.xml": "done",
    }
    assert session.files.get(name="import.xml").counts["products"] == 2


def test_the_same_package_twice_changes_nothing():
    def exchange():
        client = OneC()
        client.checkauth()
        client.call("init")
        for name, data in zip(["import.xml", "offers.xml"], catalog_files(), strict=True):
            client.upload(name, data)
            assert client.import_until_done(name).startswith("success")

    def snapshot():
        return (
            sorted(Product.objects.values_list("ext_id", "name", "is_active", "section__ext_id")),
            sorted(Variant.objects.values_list("ext_id", "is_active")),
            sorted(Price.objects.values_list("variant__ext_id", "price_type__ext_id", "amount")),
            sorted(Stock.objects.values_list("variant__ext_id", "warehouse__ext_id", "quantity")),
        )

    exchange()
    first = snapshot()
    exchange()
    assert snapshot() == first
    assert Variant.objects.count() == 4  # p-1 (bare, inactive), p-1#c-s, p-1#c-m, p-2


def test_a_zipped_package_is_unpacked_during_the_first_imports():
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, offers = catalog_files()
    archive = zipped({"import.xml": imported, "offers.xml": offers})
    client.upload("v8_3B8F_3e.zip", archive, chunk=500)
    assert client.import_until_done("import.xml").startswith("success")
    assert client.import_until_done("offers.xml").startswith("success")
    assert Price.objects.count() == 3


def test_a_zip_with_a_path_outside_the_folder_fails_and_imports_nothing(tmp_path):
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, _offers = catalog_files()
    client.upload("evil.zip", zipped({"../../escape.xml": imported}))
    answer = client.import_until_done("import.xml")
    assert answer.startswith("failure")
    assert "Unsafe" in answer or "Небезопас" in answer
    assert Product.objects.count() == 0
    assert not (tmp_path / "escape.xml").exists()


def test_a_zip_bomb_is_refused(settings):
    settings.KABINET_EXCHANGE_MAX_UNZIPPED = 1_000_000
    client = OneC()
    client.checkauth()
    client.call("init")
    client.upload("bomb.zip", zipped({"import.xml": b"<a>" + b" " * 5_000_000 + b"</a>"}))
    assert client.import_until_done("import.xml").startswith("failure")


def test_absolute_and_linux_temp_paths_are_kept_inside_the_work_folder():
    client = OneC()
    client.checkauth()
    client.call("init")
    client.call("file", "post", b"<x/>", filename="/tmp/import.xml")
    client.call("file", "post", b"<x/>", filename="/goods/1/import.xml")
    assert sorted(ExchangeFile.objects.values_list("name", flat=True)) == [
        "goods/1/import.xml",
        "import.xml",
    ]


@pytest.mark.parametrize("name", ["../etc/passwd", "a/../../b.xml", ".hidden", "C:\\..\\x"])
def test_unsafe_upload_names_are_refused(name):
    client = OneC()
    client.checkauth()
    client.call("init")
    assert client.call("file", "post", b"<x/>", filename=name).startswith("failure")
    assert not ExchangeFile.objects.exists()


def test_a_malformed_file_fails_and_the_catalog_stays_as_it_was():
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, _offers = catalog_files()
    client.upload("import.xml", imported)
    assert client.import_until_done("import.xml").startswith("success")
    broken = imported.replace("Шприц 5 мл".encode(), "Шприц 10 мл".encode())[:-40]
    client2 = OneC()
    client2.checkauth()
    client2.call("init")
    client2.upload("import.xml", broken)
    answer = client2.import_until_done("import.xml")
    assert answer.startswith("failure")
    assert Product.objects.get(ext_id="p-2").name == "Шприц 5 мл"


def test_an_xml_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><КоммерческаяИнформация>&lol2;'
        "</КоммерческаяИнформация>"
    ).encode()
    client = OneC()
    client.checkauth()
    client.call("init")
    client.upload("import.xml", bomb)
    assert client.import_until_done("import.xml").startswith("failure")


def test_changes_only_offers_never_zero_what_they_omit():
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, offers = catalog_files()
    client.upload("import.xml", imported)
    client.upload("offers.xml", offers)
    client.import_until_done("import.xml")
    client.import_until_done("offers.xml")
    changes = cml.render(
        cml.package(
            cml.offer("p-2", prices=[("pt-1", "13.00")]),
            only_changes=True,
        )
    )
    client.upload("offers_changes.xml", changes)
    assert client.import_until_done("offers_changes.xml").startswith("success")
    assert Price.objects.get(variant__ext_id="p-2").amount == Decimal("13.00")
    assert Stock.objects.get(variant__ext_id="p-2").quantity == 1000
    assert Price.objects.get(variant__ext_id="p-1#c-s").amount == Decimal("350.50")


def test_a_full_package_of_one_group_deactivates_only_within_that_group():
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, _ = catalog_files()
    client.upload("import.xml", imported)
    client.import_until_done("import.xml")
    only_gloves = cml.render(
        cml.catalog(
            cml.product("p-3", "Перчатки латексные", group_ids=["g-1"]),
            only_changes=False,
        )
    )
    client.upload("import2.xml", only_gloves)
    assert client.import_until_done("import2.xml").startswith("success")
    active = dict(Product.objects.values_list("ext_id", "is_active"))
    assert active == {"p-1": False, "p-2": True, "p-3": True}


def test_deletion_marks_deactivate(tmp_path):
    client = OneC()
    client.checkauth()
    client.call("init")
    imported, _ = catalog_files()
    client.upload("import.xml", imported)
    client.import_until_done("import.xml")
    deleted = cml.render(
        cml.catalog(
            cml.product(
                "p-2",
                "Шприц 5 мл",
                group_ids=["g-2"],
                extra="<ПометкаУдаления>true</ПометкаУдаления>",
            ),
            only_changes=True,
        )
    )
    client.upload("import3.xml", deleted)
    client.import_until_done("import3.xml")
    assert not Product.objects.get(ext_id="p-2").is_active
    assert Product.objects.get(ext_id="p-1").is_active


def test_zipfile_module_sees_our_archives():
    import io

    assert zipfile.is_zipfile(io.BytesIO(zipped({"a.xml": b"<a/>"})))


def test_orders_xml_parses(tmp_path):
    from kabinet.exchange.orders_out import orders_xml

    root = etree.fromstring(orders_xml([]))
    assert root.tag == "КоммерческаяИнформация"
    assert root.get("ВерсияСхемы") == "2.08"
