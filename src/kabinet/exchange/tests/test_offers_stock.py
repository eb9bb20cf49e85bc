"""Stock from offers files: what a full package zeroes, what "0 in total" means, and what an
upsert that changes nothing reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kabinet.exchange.importing import import_file
from kabinet.exchange.offers_import import TOTAL_WAREHOUSE
from kabinet.exchange.tests import cml_writer as cml
from kabinet.pricing.models import Stock, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(tmp_path):
    path = cml.write(
        tmp_path / "import.xml",
        cml.classifier(cml.warehouses({"w-1": "Москва", "w-2": "Казань"})),
        cml.catalog(*[cml.product(f"p-{n}", f"Маска {n}") for n in range(3)], only_changes=False),
    )
    import_file(path=path)
    return tmp_path


def offers(folder, *items, only_changes: bool):
    return import_file(
        path=cml.write(folder / "offers.xml", cml.package(*items, only_changes=only_changes))
    )[1]


def stock() -> dict:
    return {
        (variant, warehouse): quantity
        for variant, warehouse, quantity in Stock.objects.values_list(
            "variant__ext_id", "warehouse__ext_id", "quantity"
        )
    }


def test_a_full_package_zeroes_the_warehouses_it_no_longer_names_for_an_offer(catalog):
    offers(catalog, cml.offer("p-0", stock={"w-1": "5", "w-2": "7"}), only_changes=False)

    counts = offers(catalog, cml.offer("p-0", stock={"w-1": "4"}), only_changes=False)

    assert stock() == {("p-0", "w-1"): Decimal(4), ("p-0", "w-2"): Decimal(0)}
    assert counts["stock_changed"] == 2


def test_a_changes_only_package_keeps_the_warehouses_it_does_not_name(catalog):
    offers(catalog, cml.offer("p-0", stock={"w-1": "5", "w-2": "7"}), only_changes=False)

    offers(catalog, cml.offer("p-0", stock={"w-1": "4"}), only_changes=True)

    assert stock() == {("p-0", "w-1"): Decimal(4), ("p-0", "w-2"): Decimal(7)}


def test_zero_in_total_without_warehouse_rows_zeroes_every_warehouse_and_invents_none(catalog):
    offers(catalog, cml.offer("p-0", stock={"w-1": "5", "w-2": "7"}), only_changes=False)

    offers(
        catalog, cml.offer("p-0", quantity="0"), cml.offer("p-1", quantity="0"), only_changes=True
    )

    assert stock() == {("p-0", "w-1"): Decimal(0), ("p-0", "w-2"): Decimal(0)}
    assert not Warehouse.objects.filter(ext_id=TOTAL_WAREHOUSE).exists()


def test_a_total_without_warehouse_rows_is_the_stock_of_one_total_warehouse(catalog):
    offers(catalog, cml.offer("p-2", quantity="12"), only_changes=True)

    assert stock() == {("p-2", TOTAL_WAREHOUSE): Decimal(12)}


def test_the_same_offers_again_change_no_row(catalog):
    items = [
        cml.offer(f"p-{n}", prices=[("pt-1", f"{n}9.90")], stock={"w-1": str(n)}) for n in range(3)
    ]
    first = offers(catalog, *items, only_changes=False)

    again = offers(catalog, *items, only_changes=False)

    assert (first["prices_changed"], first["stock_changed"]) == (3, 3)
    assert (again["prices_changed"], again["stock_changed"]) == (0, 0)
    assert (again["prices"], again["stock"]) == (3, 3)
