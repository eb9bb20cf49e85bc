"""What distinguishes each CommerceML version and exporter, on files written like theirs."""

from __future__ import annotations

from decimal import Decimal

from kabinet.exchange.commerceml import (
    Category,
    FileKind,
    Price,
    Unit,
    detect,
    read_catalog,
    read_classifier,
    read_offers,
)
from kabinet.exchange.tests import cml_writer as cml

NS_2 = "urn:1C.ru:commerceml_2"
NS_210 = "urn:1C.ru:commerceml_210"
NS_3 = "urn:1C.ru:commerceml_3"


def test_203_variants_as_products_with_characteristics(tmp_path):
    """2.03/2.04 (official samples): a variant is a Товар 'p#c' with ХарактеристикиТовара."""
    path = cml.write(
        tmp_path / "import.xml",
        cml.classifier(
            "<Свойства><СвойствоНоменклатуры><Ид>p-1</Ид><Наименование>Материал</Наименование>"
            "<Множественное>false</Множественное></СвойствоНоменклатуры></Свойства>"
        ),
        cml.catalog(
            cml.product("p-1#c-1", "Стол", characteristics=[("Цвет", "Белый")], barcode="1"),
            cml.product(
                "p-1#c-2",
                "Стол",
                characteristics=[("Цвет", "Красный")],
                barcode_tag="ШтрихКод",
                barcode="2",
            ),
            only_changes=True,
            as_element=True,
        ),
        version="2.03",
        bom=True,
    )
    with read_catalog(path) as catalog:
        assert catalog.header.only_changes is True
        assert [p.name for p in catalog.classifier.properties] == ["Материал"]
        products = list(catalog)
    assert [(p.id, p.variant_id, p.characteristics, p.barcode) for p in products] == [
        ("p-1", "c-1", (("Цвет", "Белый"),), "1"),
        ("p-1", "c-2", (("Цвет", "Красный"),), "2"),
    ]


def test_205_offer_characteristics_and_deleted_status_in_cp1251(tmp_path):
    offers_path = cml.write(
        tmp_path / "offers.xml",
        cml.package(
            cml.offer("p-1#c-1", name="Ботинки (38)", characteristics=[("Размер", "38")]),
            cml.offer("p-1#c-2", name="Ботинки (39)", extra="<Статус>Удален</Статус>"),
            sections=cml.price_types({"pt": "Розничная"}),
        ),
        version="2.05",
        encoding="windows-1251",
    )
    import_path = cml.write(
        tmp_path / "import.xml",
        cml.catalog(cml.product("p-1", "Ботинки").replace("<Товар>", '<Товар Статус="Удален">')),
        version="2.05",
        encoding="windows-1251",
    )
    with read_offers(offers_path) as offers:
        assert [(o.characteristics, o.deleted) for o in offers] == [
            ((("Размер", "38"),), False),
            ((), True),
        ]
    with read_catalog(import_path) as catalog:
        assert next(catalog).deleted is True


def test_207_variants_known_only_by_id_and_stock_attributes(tmp_path):
    """УТ 11 / Розница: 'p#c' offers without ХарактеристикиТовара, stock as Склад attributes."""
    path = cml.write(
        tmp_path / "offers0_1.xml",
        cml.classifier(),
        cml.package(
            cml.offer("p-1#c-38", name="Ботинки (38)", prices=[("pt", "1719")], stock={"w": "3"}),
            sections=cml.price_types({"pt": "Розничная"}) + cml.warehouses({"w": "Магазин"}),
        ),
        namespace=NS_2,
        bom=True,
    )
    assert detect(path) is FileKind.OFFERS
    with read_offers(path) as offers:
        offer = next(offers)
    assert (offer.product_id, offer.variant_id, offer.characteristics) == ("p-1", "c-38", ())
    assert offer.name == "Ботинки (38)"
    assert offer.stock == {"w": Decimal(3)}
    assert offer.quantity is None


def test_208_split_files_are_routed_by_content(tmp_path):
    """import___/offers___/prices___/rests___ files; units and categories in the classifier."""
    options = {"version": "2.08", "namespace": NS_210, "bom": True}
    units = (
        "<ЕдиницыИзмерения><ЕдиницаИзмерения><Ид>796 </Ид><Код>796 </Код>"
        "<НаименованиеКраткое>шт</НаименованиеКраткое><НаименованиеПолное>Штука   "
        "</НаименованиеПолное></ЕдиницаИзмерения></ЕдиницыИзмерения>"
    )
    categories = (
        "<Категории><Категория><Ид>k-1</Ид><Наименование>Обувь</Наименование>"
        "<Свойства><Ид>p-size</Ид><Ид>p-colour</Ид></Свойства></Категория></Категории>"
    )
    classifier_path = cml.write(
        tmp_path / "import___1.xml",
        cml.classifier(
            cml.price_types({"pt": "Оптовая"}),
            cml.warehouses({"w-1": "Склад 1", "w-2": "Склад 2"}),
            units,
            categories,
            only_changes=True,
        ),
        **options,
    )
    goods_path = cml.write(
        tmp_path / "import___2.xml",
        cml.catalog(cml.product("p-1", "Ботинки", unit="<БазоваяЕдиница>796</БазоваяЕдиница>")),
        **options,
    )
    names_path = cml.write(
        tmp_path / "offers___3.xml", cml.package(cml.offer("p-1", name="Ботинки")), **options
    )
    prices_path = cml.write(
        tmp_path / "prices___4.xml",
        cml.package(cml.offer("p-1", prices=[("pt", "10,5")])),
        **options,
    )
    rests_path = cml.write(
        tmp_path / "rests___5.xml",
        cml.package(cml.offer("p-1", rests={"w-1": "4", "w-2": "1,5"})),
        **options,
    )

    kinds = [detect(p) for p in (classifier_path, goods_path, names_path, prices_path, rests_path)]
    assert kinds == [
        FileKind.CATALOG,
        FileKind.CATALOG,
        FileKind.OFFERS,
        FileKind.PRICES,
        FileKind.RESTS,
    ]
    classifier = read_classifier(classifier_path)
    assert classifier.only_changes is True
    assert [w.id for w in classifier.warehouses] == ["w-1", "w-2"]
    assert classifier.units == (Unit("796", "796", "шт", "Штука"),)
    assert classifier.categories == (Category("k-1", "Обувь", ("p-size", "p-colour")),)
    with read_catalog(goods_path, classifier=classifier) as goods:
        assert next(goods).unit == Unit("796", "796", "шт", "Штука")
    with read_offers(prices_path) as prices:
        offer = next(prices)
        assert offer.prices == (Price("pt", Decimal("10.5"), "RUB", "шт", Decimal(1)),)
        assert (offer.stock, offer.quantity) == (None, None)  # not in this file: keep stock
    with read_offers(rests_path) as rests:
        offer = next(rests)
        assert offer.prices is None  # not in this file: keep prices
        assert offer.stock == {"w-1": Decimal(4), "w-2": Decimal("1.5")}


def test_210_changes_package_with_characteristic_id(tmp_path):
    """ИзмененияПакетаПредложений (2.09/2.10 XSD): ИдХарактеристики, Склады attributes."""
    path = cml.write(
        tmp_path / "offers.xml",
        cml.package(
            cml.offer(
                "p-1",
                prices=[("pt", "5")],
                quantity="3",
                extra='<ИдХарактеристики>c-1</ИдХарактеристики><Склады ИдСклада="w" '
                'КоличествоНаСкладе="3"/>',
            ),
            tag="ИзмененияПакетаПредложений",
            only_changes=True,
        ),
        version="2.10",
        namespace=NS_2,
    )
    assert detect(path) is FileKind.OFFERS
    with read_offers(path) as offers:
        assert offers.package.changes_package is True
        offer = next(offers)
    assert (offer.xml_id, offer.product_id, offer.variant_id) == ("p-1#c-1", "p-1", "c-1")
    assert (offer.quantity, offer.stock) == (Decimal(3), {"w": Decimal(3)})


def test_31_bitrix_module_folders_and_property_variants(tmp_path):
    """1C-Bitrix module 6.x: import.xml, properties/1/, goods/1/ files; variant attributes
    arrive as ЗначенияСвойств named by the properties/1/offers.xml classifier, which comes after
    its (empty) package."""
    options = {"version": "3.1", "namespace": NS_3, "bom": True}
    cml.write(
        tmp_path / "import.xml",
        cml.classifier(cml.groups({"g": ("Все", {})}), cml.warehouses({"w": "Склад"})),
        cml.catalog(only_changes=True),
        **options,
    )
    offer_properties = cml.classifier(
        "<Свойства>"
        + cml.dictionary_property("p-colour", "Цвет", {"v-1": "Красный"})
        + "</Свойства>"
    )
    cml.write(tmp_path / "properties/1/offers.xml", cml.package(), offer_properties, **options)
    cml.write(
        tmp_path / "goods/1/offers.xml",
        cml.package(
            cml.offer(
                "p-1#c-1",
                name="Футболка (Красный)",
                properties={"p-colour": "v-1"},
                empty_characteristics=True,
                extra="<ПометкаУдаления>false</ПометкаУдаления>",
            )
        ),
        **options,
    )
    cml.write(
        tmp_path / "goods/1/prices.xml",
        cml.package(cml.offer("p-1#c-1", prices=[("pt", "1")])),
        **options,
    )
    cml.write(
        tmp_path / "goods/1/rests.xml",
        cml.package(cml.offer("p-1#c-1", rests={"w": "2"})),
        **options,
    )

    kinds = {
        path.relative_to(tmp_path).as_posix(): detect(path) for path in tmp_path.rglob("*.xml")
    }
    assert kinds == {
        "import.xml": FileKind.CATALOG,
        "properties/1/offers.xml": FileKind.OFFERS,
        "goods/1/offers.xml": FileKind.OFFERS,
        "goods/1/prices.xml": FileKind.PRICES,
        "goods/1/rests.xml": FileKind.RESTS,
    }
    with read_offers(tmp_path / "properties/1/offers.xml") as definitions:
        assert list(definitions) == []
        classifier = definitions.classifier
    with read_offers(tmp_path / "goods/1/offers.xml", classifier=classifier) as offers:
        offer = next(offers)
    assert offer.properties == {"p-colour": ("Красный",)}
    assert offer.characteristics == (("Цвет", "Красный"),)
    assert (offer.prices, offer.stock, offer.deleted) == (None, None, False)
