"""Every captured 1C package in shared/fixtures/commerceml imported into the database through
`importing.import_file` (catalog, then offers/prices/rests, then order documents, each file with
the classifiers of the files before it), against what the files say (fixture_packages), and a
second run that changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from kabinet.accounts.tests.factories import AgreementFactory, CounterpartyFactory, PartnerFactory
from kabinet.catalog.models import Product, Variant
from kabinet.catalog.services import product_search_text_refresh
from kabinet.catalog.tests.factories import ProductFactory, VariantFactory
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.classifiers import classifier_merge, classifier_of
from kabinet.exchange.commerceml import FileKind
from kabinet.exchange.importing import OFFER_KINDS, import_file
from kabinet.exchange.packages import package_order
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.exchange.tests.fixture_packages import expected_from, fixture_packages, variant_key
from kabinet.exchange.tests.shared import COMMERCEML_SAMPLES, commerceml_samples
from kabinet.exchange.tests.snapshots import catalog_snapshot, orders_snapshot, without_times
from kabinet.orders.models import Order, OrderLine
from kabinet.pricing.models import Price, Stock

pytestmark = pytest.mark.django_db

PACKAGES = fixture_packages()
# Figures checked by hand against the files (SOURCES.md and test_samples), so the derived
# expectations cannot drift together with the importer: products, variants with
# characteristics, price rows, stock rows, orders created.
BY_HAND = {
    "d16izhevsk-1coutlet/full-2018-02-24": (1197, 2100, 2641, 1725, 0),
    "d16izhevsk-1coutlet/small-2018-02-23": (228, 0, 201, 163, 0),
    "irpsv-commerceml/bitrix-module-6": (21, 86, 86, 1032, 24),
    "irpsv-commerceml/cs-cart": (27, 1455, 2910, 81, 0),
    "irpsv-commerceml/off-doc-1c": (2, 4, 8, 0, 1),
    "gillbeits-commerceml/tests": (1, 6, 12, 0, 0),
    "turumburum-exchangecommerceml": (11, 2, 3, 168, 0),
    "carono-yii2-1c-exchange": (2, 5, 5, 5, 2),
    # The 1C-Bitrix add-on for УТ 10 sends its 19 products as offers (import.xml).
    "irpsv-commerceml/real-1c-ut101": (19, 84, 84, 0, 0),
}


CATALOG_KINDS = (FileKind.CATALOG, *OFFER_KINDS)
ALL_KINDS = tuple(FileKind)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def package_run(name: str, kinds=ALL_KINDS) -> dict:
    """Import the package's files of these kinds in order; returns the counts of each file."""
    root = commerceml_samples() / name
    classifiers, counts = [], {}
    for path, kind in package_order(root, PACKAGES[name]):
        if kind not in kinds:
            continue
        if kind == FileKind.DOCUMENTS:
            documents_prepare(path)
        counts[path.relative_to(root).as_posix()] = import_file(
            path=path, classifier=classifier_merge(classifiers), files_dir=root
        )[1]
        if kind == FileKind.CATALOG or kind in OFFER_KINDS:
            classifiers.append(classifier_of(path))
    return counts


def documents_prepare(path) -> None:
    """Counterparties for the buyers of the documents, and variants for their lines (the
    packages do not all carry the products their orders refer to)."""
    from kabinet.exchange.commerceml import read_documents

    with read_documents(path) as documents:
        for document in documents:
            for buyer in document.counterparties:
                if (
                    buyer.id
                    and not CounterpartyFactory._meta.model.objects.filter(ext_id=buyer.id).exists()
                ):
                    counterparty = CounterpartyFactory(
                        ext_id=buyer.id, partner=PartnerFactory(), inn="", kpp=""
                    )
                    AgreementFactory(counterparty=counterparty)
            for line in document.lines:
                if not line.product_id or line.product_id == "ORDER_DELIVERY":
                    continue
                key = variant_key(line.product_id, line.variant_id)
                if not Variant.objects.filter(ext_id=key).exists():
                    product = Product.objects.filter(ext_id=line.product_id).first()
                    VariantFactory(
                        ext_id=key,
                        product=product or ProductFactory(ext_id=line.product_id),
                    )


def test_every_package_is_covered():
    commerceml_samples()
    assert sum(len(files) for files in PACKAGES.values()) == len(
        list(COMMERCEML_SAMPLES.rglob("*.xml"))
    )
    assert set(BY_HAND) <= set(PACKAGES)


@pytest.mark.parametrize("name", sorted(PACKAGES) or ["(samples folder missing)"])
def test_fixture_package_lands_in_the_database_as_its_files_say(name):
    root = commerceml_samples() / name
    ordered = package_order(root, PACKAGES[name])
    expected = expected_from(ordered)

    package_run(name, kinds=CATALOG_KINDS)
    _assert_catalog(expected)
    # The importer writes the search text itself; the catalog's own refresh finds it right.
    assert product_search_text_refresh(Product.objects.values_list("pk", flat=True)) == 0
    catalog_counts = (
        Product.objects.count(),
        Variant.objects.filter(ext_id__contains="#").count(),
        Price.objects.count(),
        Stock.objects.count(),
    )
    package_run(name, kinds=(FileKind.DOCUMENTS,))
    orders = _assert_orders(expected)

    if name in BY_HAND:
        assert (*catalog_counts, orders) == BY_HAND[name]


def _assert_catalog(expected) -> None:
    assert dict(Product.objects.values_list("ext_id", "is_active")) == expected.products
    variants = dict(Variant.objects.values_list("ext_id", "is_active"))
    assert variants == expected.variants
    prices = {
        (variant, price_type): amount
        for variant, price_type, amount in Price.objects.values_list(
            "variant__ext_id", "price_type__ext_id", "amount"
        )
    }
    assert prices == expected.prices
    stock = {
        (variant, warehouse): quantity
        for variant, warehouse, quantity in Stock.objects.values_list(
            "variant__ext_id", "warehouse__ext_id", "quantity"
        )
    }
    assert stock == expected.stock


def _assert_orders(expected) -> int:
    """Every order document with a buyer becomes one order (a later document of the same
    order updates it); its lines are those whose goods are known."""
    created = {}
    for document in expected.order_documents:
        if document.counterparties and document.id not in created:
            created[document.id] = document
    assert set(Order.objects.values_list("ext_id", flat=True)) == set(created)
    assert OrderLine.objects.count() == sum(
        1
        for document in created.values()
        for line in document.lines
        if line.product_id not in (None, "ORDER_DELIVERY") and line.quantity
    )
    assert not Order.objects.filter(created_in_erp=False).exists()
    return len(created)


@pytest.mark.parametrize(
    "name",
    [
        "d16izhevsk-1coutlet/full-2018-02-24",
        "irpsv-commerceml/bitrix-module-6",
        "carono-yii2-1c-exchange",
        "gillbeits-commerceml/tests",
    ],
)
def test_importing_a_fixture_package_again_changes_nothing(name):
    commerceml_samples()
    package_run(name)
    catalog, orders = catalog_snapshot(), orders_snapshot()

    counts = package_run(name)

    assert catalog_snapshot() == catalog
    assert orders_snapshot() == orders
    changed = {
        (file, key): value
        for file, file_counts in counts.items()
        for key, value in file_counts.items()
        if key.endswith(("_changed", "_created", "_updated")) and value
    }
    assert changed == {}


def test_ut10_bitrix_addon_products_sent_as_offers_land_with_their_groups_and_prices():
    """The 1C-Bitrix add-on for УТ 10 sends products in a ПакетПредложений (import.xml) and
    their characteristics with prices in offers.xml: both are imported, none is dropped."""
    commerceml_samples()
    counts = package_run("irpsv-commerceml/real-1c-ut101")

    astra = Product.objects.select_related("section__parent").get(
        ext_id="7d2dcab3-e453-11e6-9483-00155d020201"
    )
    assert (astra.name, astra.section.name, astra.section.parent.name, astra.is_active) == (
        "Astra Linux Special Edition РУСБ.",
        "Astra Linux",
        "Операционные системы",
        True,
    )
    price = Price.objects.get(
        variant__ext_id="235ccc6d-ab81-11e4-944a-00155d020201#a5abd77f-93f6-11e5-9468-00155d020201"
    )
    assert (price.amount, price.price_type.ext_id) == (Decimal("2042.66"), "Отпускная цена")
    assert Variant.objects.filter(ext_id__contains="#", is_active=False).count() == 6
    assert counts["import.xml"]["products_created"] == 19
    assert "offers_unknown_product" not in counts["import.xml"]
    assert "offers_unknown_product" not in counts["offers.xml"]


def test_two_full_exports_of_the_same_sections_end_the_same_when_imported_again():
    """dobromyslov's package holds two full catalogs of overlapping sections: each run the
    second deactivates what only the first lists, so those products change (and get a new
    updated_at) twice per run — and end exactly as before."""
    commerceml_samples()
    package_run("dobromyslov-commerceml-parser")
    catalog = catalog_snapshot()

    package_run("dobromyslov-commerceml-parser")

    assert without_times(catalog_snapshot()) == without_times(catalog)


@pytest.mark.parametrize(
    "name",
    [
        "irpsv-commerceml/bitrix-module-6",
        "gillbeits-commerceml/tests",
        "carono-php-commerceml",
        "irpsv-commerceml/real-1c-ut101",
    ],
)
def test_a_package_sent_through_the_protocol_lands_as_imported_directly(name, settings, tmp_path):
    """The exchange session finds the classifiers of the files before each one (3.1 spreads
    them over import.xml, properties/…/import.xml and properties/…/offers.xml)."""
    root = commerceml_samples() / name
    with transaction.atomic():
        package_run(name, kinds=CATALOG_KINDS)
        direct = without_times(catalog_snapshot())
        transaction.set_rollback(True)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    ordered = [(p, k) for p, k in package_order(root, PACKAGES[name]) if k in CATALOG_KINDS]
    client = OneC()
    client.checkauth()
    client.call("init", version="3.1")
    for path, _kind in ordered:
        client.upload(path.relative_to(root).as_posix(), path.read_bytes(), chunk=50_000)
    for path, _kind in ordered:
        answer = client.import_until_done(path.relative_to(root).as_posix())
        assert answer.startswith("success"), answer

    assert without_times(catalog_snapshot()) == direct  # property values, variant names…
    _assert_catalog(expected_from(ordered))
