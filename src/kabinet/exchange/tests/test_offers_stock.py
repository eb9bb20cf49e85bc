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


DELETION_MARK = "<ПометкаУдаления>true</ПометкаУдаления>"


def _active(*ext_ids: str) -> dict[str, bool]:
    from kabinet.catalog.models import Variant

    return dict(Variant.objects.filter(ext_id__in=ext_ids).values_list("ext_id", "is_active"))


def test_a_variant_deleted_by_a_mark_comes_back_when_1c_clears_the_mark(catalog):
    offers(catalog, cml.offer("p-0#c-1", characteristics=[("Размер", "S")]), only_changes=True)
    marked = cml.offer("p-0#c-1", characteristics=[("Размер", "S")], extra=DELETION_MARK)
    counts = offers(catalog, marked, only_changes=True)
    assert (_active("p-0#c-1"), counts["variants_deactivated"]) == ({"p-0#c-1": False}, 1)

    counts = offers(catalog, cml.offer("p-0#c-1", prices=[("pt-1", "10")]), only_changes=True)

    assert (_active("p-0#c-1"), counts["variants_reactivated"]) == ({"p-0#c-1": True}, 1)


def test_a_product_without_characteristics_comes_back_when_the_mark_is_cleared(catalog):
    offers(catalog, cml.offer("p-1", extra=DELETION_MARK), only_changes=True)
    assert _active("p-1") == {"p-1": False}

    offers(
        catalog,
        cml.offer("p-1", extra="<ПометкаУдаления>false</ПометкаУдаления>"),
        only_changes=True,
    )

    assert _active("p-1") == {"p-1": True}


def test_an_offer_of_the_bare_product_does_not_bring_back_a_product_with_characteristics(catalog):
    offers(catalog, cml.offer("p-2#c-1", characteristics=[("Цвет", "Синий")]), only_changes=True)
    assert _active("p-2", "p-2#c-1") == {"p-2": False, "p-2#c-1": True}

    counts = offers(catalog, cml.offer("p-2", quantity="3"), only_changes=True)

    assert _active("p-2", "p-2#c-1") == {"p-2": False, "p-2#c-1": True}
    assert "variants_reactivated" not in counts
