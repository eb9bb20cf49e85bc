"""`kabinet exchange-import FILE_OR_DIR`: a folder in 1C's order whatever the file names, counts
per file, the historical orders of E4, and a second run that changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kabinet.accounts.tests.factories import AgreementFactory, CounterpartyFactory
from kabinet.catalog.models import Product, ProductProperty, Variant
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.snapshots import catalog_snapshot, orders_snapshot
from kabinet.orders.models import Order
from kabinet.pricing.models import Price, Stock

pytestmark = pytest.mark.django_db
NS3 = {"version": "3.1", "namespace": "urn:1C.ru:commerceml_3", "bom": True}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def folder(tmp_path):
    """A 3.1-style split package whose names sort in the wrong order on purpose."""
    root = tmp_path / "package"
    cml.write(
        root / "zz_classifier.xml",
        cml.classifier(
            cml.groups({"g-1": ("Шприцы", {})}),
            cml.price_types({"pt-1": "Оптовая"}),
            cml.warehouses({"w-1": "Москва"}),
        ),
        **NS3,
    )
    cml.write(
        root / "properties/1/import.xml",
        cml.classifier(
            "<Свойства>"
            + cml.dictionary_property("prop-1", "Объём", {"v-5": "5 мл", "v-10": "10 мл"})
            + "</Свойства>"
        ),
        **NS3,
    )
    cml.write(
        root / "goods/1/import.xml",
        cml.catalog(
            *[
                cml.product(
                    f"p-{n}",
                    f"Шприц {n}",
                    article=f"SY-{n}",
                    group_ids=["g-1"],
                    properties={"prop-1": "v-5" if n % 2 else "v-10"},
                )
                for n in range(6)
            ],
            only_changes=True,
        ),
        **NS3,
    )
    cml.write(
        root / "goods/1/a_prices.xml",
        cml.package(
            *[cml.offer(f"p-{n}", prices=[("pt-1", f"{10 + n}.00")]) for n in range(6)],
            only_changes=True,
        ),
        **NS3,
    )
    cml.write(
        root / "goods/1/b_rests.xml",
        cml.package(
            *[cml.offer(f"p-{n}", rests={"w-1": str(n)}) for n in range(6)], only_changes=True
        ),
        **NS3,
    )
    cml.write(
        root / "documents/1/a_documents.xml",
        cml.order(
            "HIST-1",
            lines=[("p-1", "Шприц 1", "11.00", "3")],
            requisites=[("Статус заказа", "Выполнен")],
        ),
        cml.order(
            "HIST-2",
            lines=[("p-2", "Шприц 2", "12.00", "1")],
            requisites=[("Статус заказа", "Отменен")],
        ),
        encoding="windows-1251",
    )
    counterparty = CounterpartyFactory(ext_id="cp-1")
    AgreementFactory(counterparty=counterparty)
    return root


def run(path) -> list[str]:
    out = io.StringIO()
    call_command("exchange_import", str(path), stdout=out)
    return out.getvalue().splitlines()


def test_a_folder_is_imported_in_1c_order_with_counts_per_file(folder):
    lines = run(folder)

    assert [line.split(":")[0] for line in lines[:-1]] == [
        "zz_classifier.xml",
        "properties/1/import.xml",
        "goods/1/import.xml",
        "goods/1/a_prices.xml",
        "goods/1/b_rests.xml",
        "documents/1/a_documents.xml",
    ]
    assert lines[2] == (
        "goods/1/import.xml: catalog products=6 products_created=6 products_unchanged=0"
        " products_updated=0 property_values=6"
    )
    assert "orders_created=2" in lines[5]
    assert lines[-1] == "6 files imported."
    assert Product.objects.count() == 6
    assert set(ProductProperty.objects.values_list("value", flat=True)) == {"5 мл", "10 мл"}
    assert Price.objects.count() == 6
    assert Stock.objects.get(variant__ext_id="p-5").quantity == 5
    assert dict(Order.objects.values_list("ext_id", "status")) == {
        "HIST-1": "completed",
        "HIST-2": "cancelled",
    }
    assert Order.objects.get(ext_id="HIST-1").lines.get().variant == Variant.objects.get(
        ext_id="p-1"
    )


def test_running_it_again_changes_nothing(folder):
    run(folder)
    catalog, orders = catalog_snapshot(), orders_snapshot()

    lines = run(folder)

    assert catalog_snapshot() == catalog
    assert orders_snapshot() == orders
    assert "products_created=0 products_unchanged=6 products_updated=0" in lines[2]
    assert "prices_changed=0" in lines[3]
    assert "stock_changed=0" in lines[4]
    # The same orders again: unchanged, not "updated".
    assert "orders_unchanged=2" in lines[5]
    assert "orders_updated" not in lines[5]
    assert Order.objects.count() == 2


def test_a_single_file_is_imported_alone(folder):
    lines = run(folder / "zz_classifier.xml")

    assert lines[0].startswith("zz_classifier.xml: catalog")
    assert lines[-1] == "1 files imported."
    assert Product.objects.count() == 0


def test_a_file_broken_midway_stops_the_run_after_the_files_before_it(folder):
    rests = folder / "goods/1/b_rests.xml"
    rests.write_bytes(rests.read_bytes()[:-60])  # cut off: the XML ends inside an offer

    with pytest.raises(CommandError, match=r"b_rests\.xml"):
        run(folder)

    assert Price.objects.count() == 6
    assert Stock.objects.count() == 0
    assert Order.objects.count() == 0


def test_a_file_that_is_not_xml_stops_the_run_before_anything(folder):
    (folder / "goods/1/b_rests.xml").write_text("<КоммерческаяИнформация><ПакетПредложений")

    with pytest.raises(CommandError, match=r"b_rests\.xml"):
        run(folder)

    assert Product.objects.count() == 0


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run(tmp_path / "nowhere")
