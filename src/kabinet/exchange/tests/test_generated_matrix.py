"""One catalog + offers pair written in every namespace, encoding and BOM combination must parse
to exactly the same objects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kabinet.exchange.commerceml import (
    CatalogHeader,
    FileKind,
    Group,
    Image,
    Offer,
    OfferPackage,
    Price,
    PriceType,
    Product,
    Property,
    Unit,
    Warehouse,
    detect,
    read_catalog,
    read_offers,
)
from kabinet.exchange.tests import cml_writer as cml

ENCODINGS = [("utf-8", False), ("utf-8", True), ("windows-1251", False)]
UNIT = Unit(id=None, code="796", name="шт", full_name="Штука")

CLASSIFIER = cml.classifier(
    cml.groups({"g-1": ("Обувь", {"g-2": ("Ботинки", {}), "g-3": ("Туфли", {})})}),
    "<Свойства>"
    + cml.dictionary_property("p-colour", "Цвет", {"v-red": "Красный", "v-blue": "Синий"})
    + "<Свойство><Ид>p-height</Ид><Наименование>Высота</Наименование>"
    "<ТипЗначений>Строка</ТипЗначений></Свойство></Свойства>",
)
CATALOG = cml.catalog(
    cml.product(
        "prod-1",
        "Ботинки «Осень»",
        article="  ART-1 ",
        group_ids=["g-2"],
        properties={"p-colour": ["v-red", "v-blue"], "p-height": "12 см"},
        requisites=[("Полное наименование", "Ботинки осенние №1"), ("Вес", "0,8")],
        vat="20",
        images=["import_files/ab/prod-1.jpg"],
        barcode="4600000000011",
    ),
    cml.product(
        "prod-2",
        "Туфли",
        group_ids=["g-3"],
        vat="Без налога",
        extra="<ПометкаУдаления>true</ПометкаУдаления>",
    ),
    only_changes=False,
)
PACKAGE = cml.package(
    cml.offer(
        "prod-1#var-1",
        name="Ботинки «Осень» (Красный, 42)",
        characteristics=[("Цвет", "Красный"), ("Размер", "42")],
        prices=[("pt-opt", "1 234,50"), ("pt-retail", "1500")],
        quantity="7",
        stock={"wh-1": "5", "wh-2": "2"},
    ),
    cml.offer("prod-2", name="Туфли", prices=[("pt-opt", "99.90")], quantity="0", stock={}),
    sections=cml.price_types({"pt-opt": "Оптовая", "pt-retail": "Розничная"})
    + cml.warehouses({"wh-1": "Основной склад", "wh-2": "Склад Казань"}),
    only_changes=True,
)

EXPECTED_GROUPS = (
    Group("g-1", "Обувь", None),
    Group("g-2", "Ботинки", "g-1"),
    Group("g-3", "Туфли", "g-1"),
)
EXPECTED_PRODUCTS = [
    Product(
        xml_id="prod-1",
        id="prod-1",
        variant_id=None,
        article="ART-1",
        name="Ботинки «Осень»",
        group_ids=("g-2",),
        images=(Image("import_files/ab/prod-1.jpg"),),
        properties={"p-colour": ("Красный", "Синий"), "p-height": ("12 см",)},
        requisites={"Полное наименование": "Ботинки осенние №1", "Вес": "0,8"},
        vat_rate=Decimal(20),
        taxes=(("НДС", "20"),),
        barcode="4600000000011",
        unit=UNIT,
    ),
    Product(
        xml_id="prod-2",
        id="prod-2",
        variant_id=None,
        article=None,
        name="Туфли",
        group_ids=("g-3",),
        taxes=(("НДС", "Без налога"),),
        deleted=True,
        unit=UNIT,
    ),
]
EXPECTED_PACKAGE = OfferPackage(
    id="cat-1#",
    catalog_id="cat-1",
    classifier_id="cls-1",
    name="Пакет предложений",
    only_changes=True,
    price_types=(
        PriceType("pt-opt", "Оптовая", "RUB", "НДС", True),
        PriceType("pt-retail", "Розничная", "RUB", "НДС", True),
    ),
    warehouses=(Warehouse("wh-1", "Основной склад"), Warehouse("wh-2", "Склад Казань")),
    schema_version="2.07",
)
EXPECTED_OFFERS = [
    Offer(
        xml_id="prod-1#var-1",
        product_id="prod-1",
        variant_id="var-1",
        name="Ботинки «Осень» (Красный, 42)",
        characteristics=(("Цвет", "Красный"), ("Размер", "42")),
        prices=(
            Price("pt-opt", Decimal("1234.50"), "RUB", "шт", Decimal(1)),
            Price("pt-retail", Decimal(1500), "RUB", "шт", Decimal(1)),
        ),
        quantity=Decimal(7),
        stock={"wh-1": Decimal(5), "wh-2": Decimal(2)},
    ),
    Offer(
        xml_id="prod-2",
        product_id="prod-2",
        variant_id=None,
        name="Туфли",
        prices=(Price("pt-opt", Decimal("99.90"), "RUB", "шт", Decimal(1)),),
        quantity=Decimal(0),
    ),
]


@pytest.mark.parametrize("namespace", cml.NAMESPACES)
@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_every_namespace_and_encoding_parses_alike(tmp_path, namespace, encoding, bom):
    options = {"namespace": namespace, "encoding": encoding, "bom": bom}
    import_xml = cml.write(tmp_path / "import.xml", CLASSIFIER, CATALOG, **options)
    offers_xml = cml.write(tmp_path / "offers.xml", PACKAGE, **options)

    assert detect(import_xml) is FileKind.CATALOG
    assert detect(offers_xml) is FileKind.OFFERS
    with read_catalog(import_xml) as catalog:
        assert catalog.schema_version == "2.07"
        assert catalog.header == CatalogHeader(
            "cat-1", "cls-1", "Каталог товаров", only_changes=False, schema_version="2.07"
        )
        assert catalog.classifier.groups == EXPECTED_GROUPS
        assert catalog.classifier.properties == (
            Property(
                "p-colour", "Цвет", "Справочник", values={"v-red": "Красный", "v-blue": "Синий"}
            ),
            Property("p-height", "Высота", "Строка"),
        )
        assert list(catalog) == EXPECTED_PRODUCTS
    with read_offers(offers_xml) as offers:
        assert offers.package == EXPECTED_PACKAGE
        assert list(offers) == EXPECTED_OFFERS


def test_dictionary_values_resolve_through_a_classifier_from_another_file(tmp_path):
    cml.write(tmp_path / "import.xml", CLASSIFIER, CATALOG)
    goods = cml.write(tmp_path / "goods.xml", CATALOG)
    with read_catalog(tmp_path / "import.xml") as catalog:
        classifier = catalog.classifier

    with read_catalog(goods) as alone:
        assert next(alone).properties["p-colour"] == ("v-red", "v-blue")  # unknown ids stay
    with read_catalog(goods, classifier=classifier) as helped:
        assert next(helped).properties["p-colour"] == ("Красный", "Синий")


def test_reader_fills_the_header_before_the_first_item_and_closes(tmp_path):
    path = cml.write(tmp_path / "import.xml", CLASSIFIER, CATALOG)
    reader = read_catalog(path)
    assert reader.header is not None
    assert reader.classifier is not None
    assert next(reader).id == "prod-1"
    reader.close()
    with pytest.raises(StopIteration):
        next(reader)


def test_items_can_be_taken_in_batches(tmp_path):
    products = [cml.product(f"p-{n}", f"Товар {n}") for n in range(2500)]
    path = cml.write(tmp_path / "import.xml", cml.catalog(*products))
    with read_catalog(path) as catalog:
        sizes = []
        while batch := [product for _, product in zip(range(1000), catalog, strict=False)]:
            sizes.append(len(batch))
    assert sizes == [1000, 1000, 500]
