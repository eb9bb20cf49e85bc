"""Orders (Документ, both from 1C and in Bitrix mode=query answers) and counterparty lists."""

from __future__ import annotations

import os
from datetime import date, time

from kabinet.exchange.commerceml import _xml, fields
from kabinet.exchange.commerceml._xml import (
    Element,
    boolean,
    child,
    child_text,
    children,
    local,
    text,
)
from kabinet.exchange.commerceml.model import Counterparty, Document, DocumentLine, Unit
from kabinet.exchange.commerceml.reader import Reader

ADDRESSES = ("АдресРегистрации", "ЮридическийАдрес", "Адрес")


def counterparty_from(element: Element) -> Counterparty:
    addresses = {}
    for name in ADDRESSES:
        found = child(element, name)
        value = fields.address(found) if found is not None else None
        if value is not None:
            addresses[name] = value
    found_contacts = child(element, "Контакты")
    return Counterparty(
        id=child_text(element, "Ид"),
        name=child_text(element, "Наименование"),
        full_name=child_text(element, "ПолноеНаименование"),
        official_name=child_text(element, "ОфициальноеНаименование"),
        role=child_text(element, "Роль"),
        inn=child_text(element, "ИНН"),
        kpp=child_text(element, "КПП"),
        last_name=child_text(element, "Фамилия"),
        first_name=child_text(element, "Имя"),
        addresses=addresses,
        contacts=() if found_contacts is None else fields.contacts(found_contacts),
        deleted=boolean(child_text(element, "ПометкаУдаления")) is True,
    )


def _line(element: Element) -> DocumentLine:
    xml_id = article = name = catalog_id = None
    price = quantity = amount = factor = None
    unit: Unit | None = None
    taxes: tuple[tuple[str, str], ...] = ()
    characteristics: tuple[tuple[str, str], ...] = ()
    requisites: dict[str, str] = {}
    for node in element:
        tag = local(node.tag)
        if tag == "Ид":
            xml_id = text(node)
        elif tag == "ИдКаталога":
            catalog_id = text(node)
        elif tag == "Артикул":
            article = text(node)
        elif tag == "Наименование":
            name = text(node)
        elif tag in ("БазоваяЕдиница", "Единица"):
            unit = unit or fields.unit(node)
        elif tag in ("ЦенаЗаЕдиницу", "Цена"):
            price = _xml.decimal_text(node)
        elif tag == "Количество":
            quantity = _xml.decimal_text(node)
        elif tag == "Сумма":
            amount = _xml.decimal_text(node)
        elif tag == "Коэффициент":
            factor = _xml.decimal_text(node)
        elif tag in ("СтавкиНалогов", "Налоги"):
            taxes = taxes or fields.taxes(node)
        elif tag == "ХарактеристикиТовара":
            characteristics = fields.characteristics(node)
        elif tag == "ЗначенияРеквизитов":
            requisites.update(fields.requisites(node))
    product_id, variant_id = _xml.split_id(xml_id) if xml_id is not None else (None, None)
    return DocumentLine(
        xml_id=xml_id,
        product_id=product_id,
        variant_id=variant_id,
        name=name,
        article=article,
        catalog_id=catalog_id,
        price=price,
        quantity=quantity,
        amount=amount,
        unit=unit,
        factor=factor,
        vat_rate=fields.vat_rate(taxes),
        characteristics=characteristics,
        requisites=requisites,
    )


def _date(element: Element | None) -> date | None:
    raw = text(element)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise _xml.error_at(element, f"not a date: {raw!r}") from None


def _time(element: Element | None) -> time | None:
    raw = text(element)
    if raw is None:
        return None
    try:
        return time.fromisoformat(raw if len(raw) != 7 else f"0{raw}")  # 9:05:00 → 09:05:00
    except ValueError:
        raise _xml.error_at(element, f"not a time: {raw!r}") from None


def document_from(element: Element) -> Document:
    """Build a Document from a complete Документ element."""
    counterparties = child(element, "Контрагенты")
    lines = child(element, "Товары")
    requisites_element = child(element, "ЗначенияРеквизитов")
    requisites = {} if requisites_element is None else fields.requisites(requisites_element)
    mark = child_text(element, "ПометкаУдаления") or requisites.get("ПометкаУдаления")
    return Document(
        id=child_text(element, "Ид"),
        number=child_text(element, "Номер"),
        date=_date(child(element, "Дата")),
        time=_time(child(element, "Время")),
        operation=child_text(element, "ХозОперация"),
        role=child_text(element, "Роль"),
        currency=child_text(element, "Валюта"),
        rate=_xml.decimal_text(child(element, "Курс")),
        amount=_xml.decimal_text(child(element, "Сумма")),
        comment=child_text(element, "Комментарий"),
        counterparties=()
        if counterparties is None
        else tuple(map(counterparty_from, children(counterparties, "Контрагент"))),
        lines=() if lines is None else tuple(map(_line, children(lines, "Товар"))),
        requisites=requisites,
        number_1c=child_text(element, "Номер1С") or requisites.get("Номер по 1С") or None,
        date_1c=child_text(element, "Дата1С") or requisites.get("Дата по 1С") or None,
        version=child_text(element, "НомерВерсии"),
        deleted=boolean(mark) is True,
        posted=boolean(requisites.get("Проведен")),
    )


class DocumentsReader(Reader[Document]):
    """Iterates the Document items of an orders file (Документ, or 3.1 Контейнер/Документ)."""

    item = "Документ"

    def _build(self, element: Element) -> Document:
        return document_from(element)


class CounterpartiesReader(Reader[Counterparty]):
    """Iterates a top-level Контрагенты list (the 1C-Bitrix module exports one)."""

    item = "Контрагент"

    def _build(self, element: Element) -> Counterparty:
        return counterparty_from(element)


def read_documents(path: str | os.PathLike[str]) -> DocumentsReader:
    """Open an orders file: `with read_documents(path) as documents: for doc in documents: …`."""
    return DocumentsReader(path)


def read_counterparties(path: str | os.PathLike[str]) -> CounterpartiesReader:
    """Open a counterparties file (root Контрагенты list)."""
    return CounterpartiesReader(path)
