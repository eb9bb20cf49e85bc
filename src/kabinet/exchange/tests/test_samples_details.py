"""What the captured 1C files must yield, beyond counts: values, variants, encodings, flags."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from kabinet.exchange.commerceml import (
    Image,
    Price,
    Unit,
    read_catalog,
    read_classifier,
    read_documents,
    read_offers,
)
from kabinet.exchange.tests.shared import commerceml_samples

D16 = "d16izhevsk-1coutlet/full-2018-02-24"
BITRIX_31 = "irpsv-commerceml/bitrix-module-6"


def sample(name):
    return commerceml_samples() / name


def test_ut11_export_resolves_dictionary_values_and_keeps_tax_and_unit():
    with read_catalog(sample(f"{D16}/import0_1.xml")) as catalog:
        product = next(catalog)
    assert (product.id, product.article, product.barcode) == (
        "bd72d910-55bc-11d9-848a-00112f43529a",
        "Б-130001",
        "2000018987155",
    )
    assert product.properties["bb14a4b8-6b17-11e0-9819-e0cb4ed5eed4"] == ("Обувной комбинат",)
    assert product.vat_rate == Decimal(18)
    assert product.unit == Unit(None, "715", None, "Пара (2 шт.)")
    assert product.requisites["ВидНоменклатуры"] == "Обувь"


def test_ut11_offers_are_variants_known_only_by_id_with_stock_attributes():
    with read_offers(sample(f"{D16}/offers0_1.xml")) as package:
        offers = list(package)
    first = offers[0]
    assert (first.product_id, first.variant_id) == (
        "bd72d910-55bc-11d9-848a-00112f43529a",
        "90c55447-d3a8-11e4-9423-e0cb4ed5eed4",
    )
    assert first.name == "Женские ботфорты коричневые (38)"
    assert first.prices == (
        Price("bb14a3a4-6b17-11e0-9819-e0cb4ed5eed4", Decimal(1719), "RUB", None, Decimal(1)),
    )
    assert first.quantity == Decimal(20)
    assert first.stock == {"b6112590-41ba-11dd-ac9d-0015e9b8c48d": Decimal(20)}
    assert not any(offer.characteristics for offer in offers)
    assert len({offer.product_id for offer in offers if offer.variant_id}) < 2100


def test_images_take_their_description_from_the_file_requisite():
    with read_catalog(sample("carono-php-commerceml/import.xml")) as catalog:
        product = next(catalog)
    folder = "import_files/9d/9da00149441011e19bb10015174048b8_0e01fd9e204611e8b2a794de8070"
    assert product.images == (
        Image(f"{folder}44d1.jpg", "Фото1"),
        Image(f"{folder}44d2.jpg"),
        Image(f"{folder}44d3.jpg"),
    )


def test_official_204_sample_sends_variants_as_products():
    with read_catalog(sample("irpsv-commerceml/off-doc-1c/import.xml")) as catalog:
        products = list(catalog)
    assert [(p.id[:8], p.variant_id[:8], p.characteristics) for p in products] == [
        ("05e26d70", "05e26d76", (("Цвет", "Белый"),)),
        ("05e26d70", "218a1598", (("Цвет", "Красный"),)),
        ("05e26d77", "05e26d79", (("Цвет", "Белый"),)),
        ("05e26d77", "218a1599", (("Цвет", "Красный"),)),
    ]


def test_cs_cart_offers_carry_their_characteristics():
    with read_offers(sample("irpsv-commerceml/cs-cart/offers.xml")) as package:
        offers = list(package)
    assert sum(len(offer.characteristics) for offer in offers) == 4480
    assert offers[0].characteristics == (
        ("Размер", "43"),
        ("Полнота", "5"),
        ("Тип кожи", "натуральная кожа"),
        ("Цвет", "Бежевый"),
    )


def test_2_03_sample_writes_only_changes_and_barcode_its_own_way():
    with read_catalog(sample("gillbeits-commerceml/tests/import.xml")) as catalog:
        products = list(catalog)
        assert catalog.header.only_changes is False  # <СодержитТолькоИзменения>false</…>
        assert [prop.name for prop in catalog.classifier.properties][:2] == ["Бренд", "Высота"]
    assert [p.barcode for p in products[:3]] == ["2077779018084", "2077779018077", "2077779015434"]
    assert products[0].characteristics == (("размер", "L"),)


def test_bitrix_addon_for_ut10_marks_deleted_offers_and_resolves_its_own_dictionary():
    with read_offers(sample("irpsv-commerceml/real-1c-ut101/offers.xml")) as package:
        offers = list(package)
    assert sum(offer.deleted for offer in offers) == 6
    licensed = next(offer for offer in offers if offer.properties.get("LICENSE_TYPE"))
    assert licensed.properties["LICENSE_TYPE"] in {("базовая (полная)",), ("поддержка",)}
    assert licensed.unit == Unit(None, "796", "шт", "штука")


def test_bitrix_addon_for_ut10_files_its_products_sent_as_offers_in_groups():
    with read_offers(sample("irpsv-commerceml/real-1c-ut101/import.xml")) as package:
        offers = list(package)
    assert len(offers) == 19
    assert offers[0].group_ids == ("7d2dcaae-e453-11e6-9483-00155d020201",)
    assert all(offer.group_ids and offer.variant_id is None for offer in offers)


def test_bitrix_module_31_variants_are_named_by_the_properties_file():
    properties = read_classifier(sample(f"{BITRIX_31}/properties/1/offers.xml"))
    with read_offers(sample(f"{BITRIX_31}/goods/1/offers.xml"), classifier=properties) as package:
        offer = next(package)
    assert offer.variant_id == "daccfacb-26e6-11e6-9472-00155d020201"
    assert offer.characteristics == (
        ("Артикул", "RL 00610"),
        ("Срок лицензии", "бессрочная"),
        ("Тип лицензии", "лицензия + базовая техподдержка 1 год"),
    )


def test_bitrix_module_31_multi_valued_property_keeps_every_value():
    properties = read_classifier(sample(f"{BITRIX_31}/properties/1/import.xml"))
    with read_catalog(sample(f"{BITRIX_31}/goods/1/import.xml"), classifier=properties) as goods:
        product = next(p for p in goods if p.id == "235ccc6d-ab81-11e4-944a-00155d020201")
    assert product.properties["a12e5f86-5835-11e4-9440-00155d020201"] == (
        "Поддержка домена",
        "Право переноса на другой ПК",
        "Право даунгрейда",
    )


def test_bitrix_module_31_split_prices_and_rests():
    with read_offers(sample(f"{BITRIX_31}/goods/1/rests.xml")) as rests:
        offer = next(rests)
    assert offer.prices is None
    assert len(offer.stock) == 12
    with read_offers(sample(f"{BITRIX_31}/goods/1/prices.xml")) as prices:
        offer = next(prices)
    assert (offer.stock, len(offer.prices)) == (None, 1)


def test_official_order_from_the_site_in_cp1251():
    with read_documents(sample("carono-yii2-1c-exchange/from.xml")) as documents:
        (order,) = documents
    assert (order.id, order.date, order.time) == ("36", date(2007, 10, 30), time(15, 19, 27))
    assert order.status == "[N] Принят"
    assert order.amount == Decimal("6734.47")
    assert order.counterparties[0].last_name == "Иванов"
    assert [line.xml_id for line in order.lines] == [
        "ORDER_DELIVERY",
        "dee6e19a-55bc-11d9-848a-00112f43529a",
    ]


def test_official_orders_from_1c_carry_their_1c_number_and_flags():
    with read_documents(sample("irpsv-commerceml/off-doc-1c/orders.xml")) as documents:
        orders = list(documents)
    assert [(o.number, o.number_1c, o.date_1c, o.posted, o.deleted) for o in orders[1:]] == [
        ("92", "MM92", "2015-08-12", True, False),
        ("93", "MM93", "2015-08-13", True, False),
    ]
    assert orders[1].status == "Открыт"


def test_bitrix_module_31_documents_are_unwrapped_from_their_container():
    with read_documents(sample(f"{BITRIX_31}/documents/1/documents.xml")) as documents:
        first = next(documents)
    assert (first.number, first.number_1c, first.date_1c) == ("320", "L320", "2017-08-03")
    assert first.requisites["Номер отгрузки по 1С"] == "О0000000976"
    assert first.lines[0].variant_id == "9b62e395-ef8b-11e3-9438-00155d020201"
    assert first.lines[0].unit == Unit("796", "796", "шт", "штука")
    assert first.lines[0].vat_rate is None  # "Без налога"


def test_bitrix_query_answer_in_cp1251():
    path = sample("dobromyslov-commerceml-parser/bitrix-query-response-full.xml")
    with read_documents(path) as documents:
        orders = list(documents)
    assert [(o.number, o.status, o.amount) for o in orders] == [
        ("132", "[N] Принят, ожидается оплата", Decimal("231.74")),
        ("133", "[N] Принят, ожидается оплата", Decimal("14380.58")),
    ]
