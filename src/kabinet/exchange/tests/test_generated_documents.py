"""Orders, counterparty lists, empty and foreign files, written in the tests."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from kabinet.exchange.commerceml import (
    CommerceMLError,
    Counterparty,
    DocumentLine,
    FileKind,
    Unit,
    detect,
    read_catalog,
    read_counterparties,
    read_documents,
)
from kabinet.exchange.tests import cml_writer as cml

ORDER_FROM_1C = cml.order(
    "L320",
    lines=[("p-1#c-1", "Ботинки (38)", "1 500,50", "1"), ("ORDER_DELIVERY", "Доставка", "0", "1")],
    requisites=[
        ("Статус заказа", "[N] Принят"),
        ("Номер по 1С", "ТДЦУ-000001"),
        ("Дата по 1С", "2026-01-16T10:00:00"),
        ("Проведен", "true"),
        ("ПометкаУдаления", "true"),
        ("Дата оплаты по 1С", "2026-01-17"),
        ("Дата отгрузки по 1С", "2026-01-18"),
    ],
)


@pytest.mark.parametrize(
    ("version", "namespace", "encoding"),
    [
        ("2.03", None, "windows-1251"),
        ("2.05", None, "windows-1251"),
        ("2.09", "urn:1C.ru:commerceml_2", "utf-8"),
        ("3.1", "urn:1C.ru:commerceml_3", "utf-8"),
    ],
)
def test_an_order_from_1c_reads_the_same_in_every_version(tmp_path, version, namespace, encoding):
    body = f"<Контейнер>{ORDER_FROM_1C}</Контейнер>" if version == "3.1" else ORDER_FROM_1C
    path = cml.write(
        tmp_path / "orders.xml", body, version=version, namespace=namespace, encoding=encoding
    )
    assert detect(path) is FileKind.DOCUMENTS
    with read_documents(path) as documents:
        assert documents.schema_version == version
        (document,) = documents

    assert (document.id, document.number, document.operation, document.role) == (
        "L320",
        "L320",
        "Заказ товара",
        "Продавец",
    )
    assert (document.date, document.time) == (date(2026, 1, 15), time(9, 5))
    assert (document.currency, document.rate, document.amount) == ("RUB", 1, Decimal("1500.50"))
    assert document.status == "[N] Принят"
    assert (document.number_1c, document.date_1c) == ("ТДЦУ-000001", "2026-01-16T10:00:00")
    assert (document.posted, document.deleted) == (True, True)
    assert document.requisites["Дата отгрузки по 1С"] == "2026-01-18"
    assert document.counterparties == (
        Counterparty(
            id="cp-1",
            name="ООО Ромашка",
            role="Покупатель",
            inn="7701234567",
            kpp="770101001",
            addresses={"ЮридическийАдрес": "Москва, Тверская 1"},
        ),
    )
    unit = Unit(id=None, code="796", name="шт", full_name="Штука")
    assert document.lines == (
        DocumentLine(
            xml_id="p-1#c-1",
            product_id="p-1",
            variant_id="c-1",
            name="Ботинки (38)",
            price=Decimal("1500.50"),
            quantity=Decimal(1),
            amount=Decimal("1500.50"),
            unit=unit,
        ),
        DocumentLine(
            xml_id="ORDER_DELIVERY",
            product_id="ORDER_DELIVERY",
            variant_id=None,
            name="Доставка",
            price=Decimal(0),
            quantity=Decimal(1),
            amount=Decimal(0),
            unit=unit,
        ),
    )


def test_a_counterparty_list_skips_the_representatives_inside(tmp_path):
    path = cml.write(
        tmp_path / "contractors.xml",
        '<Контрагенты СодержитТолькоИзменения="true"><Контрагент><Ид>cp-1</Ид>'
        "<Наименование>ИП Петров</Наименование><ИНН>500100732259</ИНН>"
        "<Контакты><Контакт><Тип>Телефон рабочий</Тип><Значение>+7 495 000-00-00</Значение>"
        "</Контакт></Контакты><Представители><Представитель><Контрагент><Ид>rep</Ид>"
        "</Контрагент></Представитель></Представители></Контрагент></Контрагенты>",
        version="2.09",
    )
    assert detect(path) is FileKind.COUNTERPARTIES
    with read_counterparties(path) as counterparties:
        assert list(counterparties) == [
            Counterparty(
                id="cp-1",
                name="ИП Петров",
                inn="500100732259",
                contacts=(("Телефон рабочий", "+7 495 000-00-00"),),
            )
        ]


def test_an_empty_answer_is_empty(tmp_path):
    path = cml.write(tmp_path / "query.xml", "", version="2.05", encoding="windows-1251")
    assert detect(path) is FileKind.EMPTY
    with read_documents(path) as documents:
        assert list(documents) == []
        assert documents.schema_version == "2.05"


def test_foreign_xml_is_unknown_and_not_read(tmp_path):
    path = tmp_path / "page.xml"
    path.write_text("<html><body><Товар><Ид>x</Ид></Товар></body></html>", encoding="utf-8")
    assert detect(path) is FileKind.UNKNOWN
    with pytest.raises(CommerceMLError, match="not a CommerceML file: the root element is <html>"):
        list(read_catalog(path))


def test_a_bad_date_names_its_place(tmp_path):
    path = cml.write(tmp_path / "orders.xml", cml.order("1").replace("2026-01-15", "15.01.2026"))
    with pytest.raises(CommerceMLError) as caught:
        list(read_documents(path))
    assert caught.value.message == "not a date: '15.01.2026'"
    assert caught.value.xml_path == "КоммерческаяИнформация/Документ/Дата"
    assert caught.value.file == str(path)
