"""Every captured 1C file in shared/fixtures/commerceml: its kind, and its counts taken both by
plain XPath and by the parsers, against numbers checked by hand (SOURCES.md lists most of them).
The details that matter, sample by sample, are in test_samples_details."""

from __future__ import annotations

import pytest

from kabinet.exchange.commerceml import FileKind, detect
from kabinet.exchange.tests.sample_counts import XPATHS, by_parser, by_xpath
from kabinet.exchange.tests.shared import commerceml_samples, sample_names

# "path: kind", then the counts that are not zero (keys: see sample_counts.XPATHS).
EXPECTED_TEXT = """
argentcrusade-commerceml/contractors-example.xml: counterparties
    counterparties=4
argentcrusade-commerceml/documents-example.xml: documents
    documents=2 lines=4 counterparties=2 requisites=10 posted=2
argentcrusade-commerceml/group-example.xml: catalog
    groups=12
argentcrusade-commerceml/prices-example.xml: prices
    offers=3 prices=3 with_prices=3
argentcrusade-commerceml/products-example.xml: catalog
    products=1 property_values=1 requisites=6 images=5 with_vat=1
argentcrusade-commerceml/remainders-example.xml: rests
    offers=2 stock_rows=14 with_stock=2
artemiusua-django-cml/import.xml: catalog
    groups=36 properties=3 dictionary_values=3 products=282 property_values=846 requisites=1115
    with_vat=260
carono-php-commerceml/classifier.xml: catalog
    groups=22 properties=10 dictionary_values=154
carono-php-commerceml/import.xml: catalog
    groups=22 properties=10 dictionary_values=154 products=2 property_values=7 requisites=7
    images=3
carono-php-commerceml/import_wo_classifier.xml: catalog
    products=2 property_values=6 requisites=6
carono-php-commerceml/offers.xml: offers
    offers=5 variants=5 prices=5 with_prices=5 stock_rows=5 with_stock=5 with_quantity=5
    price_types=1 warehouses=5
carono-php-commerceml/orders.xml: documents
    documents=1 lines=2 counterparties=1 requisites=10
carono-yii2-1c-exchange/from.xml: documents
    documents=1 lines=2 counterparties=1 requisites=7
carono-yii2-1c-exchange/import.xml: catalog
    groups=22 properties=10 dictionary_values=154 products=2 property_values=6 requisites=6
carono-yii2-1c-exchange/offers.xml: offers
    offers=5 variants=5 prices=5 with_prices=5 stock_rows=5 with_stock=5 with_quantity=5
    price_types=1 warehouses=5
carono-yii2-1c-exchange/to.xml: documents
    documents=1 lines=2 counterparties=1 requisites=10
d16izhevsk-1coutlet/full-2018-02-24/import0_1.xml: catalog
    groups=59 properties=10 dictionary_values=154 products=1197 property_values=2442
    requisites=3591 with_vat=1195
d16izhevsk-1coutlet/full-2018-02-24/offers0_1.xml: offers
    offers=2641 variants=2100 prices=2642 with_prices=2641 stock_rows=1725 with_stock=1500
    with_quantity=2641 price_types=1 warehouses=6
d16izhevsk-1coutlet/small-2018-02-23/import0_1.xml: catalog
    groups=15 properties=7 dictionary_values=92 products=228 property_values=693 requisites=684
    with_vat=228
d16izhevsk-1coutlet/small-2018-02-23/offers0_1.xml: offers
    offers=201 prices=201 with_prices=201 stock_rows=163 with_stock=139 with_quantity=201
    price_types=1 warehouses=4
d16izhevsk-1coutlet/test.xml: catalog
    groups=5 properties=1 dictionary_values=2 products=32 property_values=14 requisites=96
    with_vat=32
dobromyslov-commerceml-parser/bitrix-query-response-empty.xml: empty
dobromyslov-commerceml-parser/bitrix-query-response-full.xml: documents
    documents=2 lines=8 counterparties=2 requisites=25
dobromyslov-commerceml-parser/import0_1.xml: catalog
    groups=1 properties=12 dictionary_values=12 products=36 property_values=415 requisites=108
    deleted=1 with_vat=36
dobromyslov-commerceml-parser/import0_1_with_nested_groups.xml: catalog
    groups=13 properties=20 dictionary_values=26 products=283 property_values=2537
    requisites=849 with_vat=283
dobromyslov-commerceml-parser/offers0_1.xml: offers
    offers=44 prices=44 with_prices=44 stock_rows=132 with_stock=44 with_quantity=44
    price_types=1 warehouses=3
gillbeits-commerceml/example/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml: catalog
    groups=97 properties=1908 dictionary_values=1800 price_types=1 warehouses=1 units=2
gillbeits-commerceml/example/offers___7f304edc-2527-4d3d-b058-6e4ee53de2e0.xml: offers
    offers=978
gillbeits-commerceml/example/offers___f0bab95c-14a6-4141-9746-6650b65f1191.xml: offers
gillbeits-commerceml/example/prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml: prices
    offers=978 prices=978 with_prices=978
gillbeits-commerceml/example/rests___1af6e7b8-a026-4690-9752-1c9d64cb914d.xml: rests
    offers=978 stock_rows=978 with_stock=978
gillbeits-commerceml/tests/import.xml: catalog
    groups=2 properties=5 products=6 variants=6 property_values=30 requisites=18
    characteristics=6 with_vat=6
gillbeits-commerceml/tests/offers.xml: offers
    offers=6 variants=6 prices=12 with_prices=6 with_quantity=6 price_types=2
irpsv-commerceml/bitrix-module-6/documents/1/documents.xml: documents
    documents=20 lines=20 counterparties=20 requisites=80 posted=14
irpsv-commerceml/bitrix-module-6/documents/2/documents.xml: documents
    documents=4 lines=4 counterparties=4 requisites=16 posted=3
irpsv-commerceml/bitrix-module-6/goods/1/import.xml: catalog
    products=21 property_values=189 requisites=105
irpsv-commerceml/bitrix-module-6/goods/1/offers.xml: offers
    offers=86 variants=86 property_values=404 deleted=6
irpsv-commerceml/bitrix-module-6/goods/1/prices.xml: prices
    offers=86 variants=86 prices=86 with_prices=86
irpsv-commerceml/bitrix-module-6/goods/1/rests.xml: rests
    offers=86 variants=86 stock_rows=1032 with_stock=86
irpsv-commerceml/bitrix-module-6/import.xml: catalog
    groups=1 price_types=8 warehouses=12 units=1
irpsv-commerceml/bitrix-module-6/properties/1/import.xml: catalog
    properties=25 dictionary_values=146
irpsv-commerceml/bitrix-module-6/properties/1/offers.xml: offers
irpsv-commerceml/cs-cart/import.xml: catalog
    groups=4 properties=1 products=27 property_values=27 requisites=185 with_vat=27
irpsv-commerceml/cs-cart/offers.xml: offers
    offers=1455 variants=1455 prices=2910 with_prices=1455 with_quantity=81 price_types=2
irpsv-commerceml/off-doc-1c/import.xml: catalog
    groups=1 products=4 variants=4 requisites=12 characteristics=4 with_vat=4
irpsv-commerceml/off-doc-1c/offers.xml: offers
    offers=2 variants=2 prices=8 with_prices=2 with_quantity=2 price_types=4
irpsv-commerceml/off-doc-1c/orders.xml: documents
    documents=3 lines=2 counterparties=1 requisites=17 posted=2
irpsv-commerceml/ready-script/import.xml: catalog
    groups=4 properties=7 dictionary_values=2 products=1 property_values=7 requisites=4
    with_vat=1
irpsv-commerceml/ready-script/offers.xml: offers
    offers=2 variants=1 prices=2 with_prices=2 with_quantity=2 price_types=1
irpsv-commerceml/real-1c-ut101/import.xml: offers
    offers=19 property_values=266 price_types=1
irpsv-commerceml/real-1c-ut101/offers.xml: offers
    offers=103 variants=84 prices=84 with_prices=84 property_values=980 deleted=6 price_types=1
irpsv-commerceml/umi-cms/import.xml: catalog
    groups=1 properties=1 dictionary_values=2 products=3 property_values=3 requisites=12
    images=3 with_vat=3
irpsv-commerceml/umi-cms/offers.xml: offers
    offers=14 prices=70 with_prices=14 with_quantity=14 price_types=5
stee1cat-1c-exchange/import___29d3f7f0-36dd-4eea-a06c-4c325bed4285.xml: catalog
    groups=25 warehouses=13 units=10
stee1cat-1c-exchange/import___a499ca50-a6b0-4bbd-953a-24962a5ab40d.xml: catalog
    properties=25 dictionary_values=77
stee1cat-1c-exchange/offers___cd9ce019-f901-4dd4-aed7-a76bec5faac2.xml: offers
turumburum-exchangecommerceml/classifier.xml: catalog
    groups=2 price_types=7 warehouses=14 units=1
turumburum-exchangecommerceml/import.xml: catalog
    products=11 property_values=33 requisites=55 with_vat=11
turumburum-exchangecommerceml/offers.xml: offers
    offers=12 variants=2 property_values=2
turumburum-exchangecommerceml/prices.xml: prices
    offers=3 prices=4 with_prices=3
turumburum-exchangecommerceml/products.xml: catalog
    products=11 property_values=33 requisites=55 with_vat=11
turumburum-exchangecommerceml/rests.xml: rests
    offers=12 variants=2 stock_rows=168 with_stock=12
"""


def _expected() -> dict[str, tuple[FileKind, dict[str, int]]]:
    table: dict[str, tuple[FileKind, dict[str, int]]] = {}
    name = ""
    for line in EXPECTED_TEXT.strip().splitlines():
        if line.startswith(" "):
            counts = dict(pair.split("=") for pair in line.split())
            table[name][1].update({key: int(value) for key, value in counts.items()})
        else:
            name, _, kind = line.partition(": ")
            table[name] = (FileKind(kind), {})
    return table


EXPECTED = _expected()


def test_every_sample_has_its_expectation():
    commerceml_samples()
    assert sample_names() == sorted(EXPECTED), "a sample was added or removed: update EXPECTED"


@pytest.mark.parametrize("name", sample_names())
def test_sample_kind_and_counts(name):
    path = commerceml_samples() / name
    kind, nonzero = EXPECTED[name]
    expected = {key: nonzero.get(key, 0) for key in XPATHS[kind]}

    assert detect(path) is kind
    assert by_xpath(path, kind) == expected
    assert by_parser(path, kind) == expected
