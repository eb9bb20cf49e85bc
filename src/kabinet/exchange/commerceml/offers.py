"""Offer packages: offers*.xml, and the split prices*.xml / rests*.xml files of 2.08+ and 3.1."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from kabinet.exchange.commerceml import _xml, fields
from kabinet.exchange.commerceml._xml import Element, attr, child, child_text, children, local, text
from kabinet.exchange.commerceml.classifier import price_type, warehouse
from kabinet.exchange.commerceml.model import Classifier, Offer, OfferPackage, Price, Unit
from kabinet.exchange.commerceml.reader import PACKAGES, Reader

T = TypeVar("T")


def _listed(
    element: Element, container: str, name: str, build: Callable[[Element], T]
) -> tuple[T, ...]:
    found = child(element, container)
    return () if found is None else tuple(map(build, children(found, name)))


def package_from(element: Element, schema_version: str | None = None) -> OfferPackage:
    return OfferPackage(
        id=child_text(element, "Ид"),
        catalog_id=child_text(element, "ИдКаталога"),
        classifier_id=child_text(element, "ИдКлассификатора"),
        name=child_text(element, "Наименование"),
        only_changes=_xml.only_changes(element) is True,
        changes_package=local(element.tag) == "ИзмененияПакетаПредложений",
        price_types=_listed(element, "ТипыЦен", "ТипЦены", price_type),
        warehouses=_listed(element, "Склады", "Склад", warehouse),
        schema_version=schema_version,
    )


def _price(element: Element) -> Price:
    found = _xml.index(element)
    price_type_id = text(found.get("ИдТипаЦены"))
    amount = _xml.decimal_text(found.get("ЦенаЗаЕдиницу"))
    if price_type_id is None or amount is None:
        raise _xml.error_at(element, "a Цена needs ИдТипаЦены and ЦенаЗаЕдиницу")
    return Price(
        price_type_id=price_type_id,
        amount=amount,
        currency=text(found.get("Валюта")),
        unit=text(found.get("Единица")),
        factor=_xml.decimal_text(found.get("Коэффициент")),
        min_quantity=_xml.decimal_text(found.get("МинКоличество")),
    )


def _add(stock: dict[str, Decimal], warehouse_id: str | None, quantity: Decimal | None) -> None:
    if warehouse_id is not None and quantity is not None:
        stock[warehouse_id] = stock.get(warehouse_id, Decimal(0)) + quantity


def _stock_attributes(element: Element, stock: dict[str, Decimal]) -> None:
    """<Склад ИдСклада=".." КоличествоНаСкладе=".."/> (2.07+); also Склады of a changes package."""
    if element.get("ИдСклада") is not None:
        raw = attr(element, "КоличествоНаСкладе")
        _add(stock, attr(element, "ИдСклада"), _xml.decimal(raw, element))
    for nested in children(element, "Склад"):
        _stock_attributes(nested, stock)


def _rests(element: Element, stock: dict[str, Decimal]) -> tuple[Decimal | None, bool]:
    """Остатки/Остаток/Склад(Ид, Количество) (2.09+/3.1) into `stock`.

    Returns a total given as a bare Остаток/Количество, and whether any warehouse row was seen
    (a bare total alone says nothing about the warehouses).
    """
    total: Decimal | None = None
    rows = False
    for rest in children(element, "Остаток"):
        for place in children(rest, "Склад"):
            rows = True
            _add(stock, child_text(place, "Ид"), _xml.decimal_text(child(place, "Количество")))
        quantity = _xml.decimal_text(child(rest, "Количество"))
        if quantity is not None:
            total = quantity + (total or 0)
    return total, rows


def offer_from(element: Element, lookup: fields.Lookup | None = None) -> Offer:
    """Build an Offer from a complete Предложение element."""
    xml_id = characteristic_id = article = name = barcode = status = mark = None
    characteristics: tuple[tuple[str, str], ...] = ()
    properties: dict[str, tuple[str, ...]] = {}
    prices: tuple[Price, ...] | None = None
    quantity: Decimal | None = None
    rests_total: Decimal | None = None
    stock: dict[str, Decimal] = {}
    has_stock = False
    unit: Unit | None = None
    group_ids: list[str] = []
    for node in element:
        tag = local(node.tag)
        if tag == "Ид":
            xml_id = text(node)
        elif tag == "ИдХарактеристики":
            characteristic_id = text(node)
        elif tag == "Артикул":
            article = text(node)
        elif tag == "Наименование":
            name = text(node)
        elif tag in ("Штрихкод", "ШтрихКод"):
            barcode = barcode or text(node)
        elif tag == "БазоваяЕдиница":
            unit = fields.unit(node, lookup)
        elif tag == "ХарактеристикиТовара":
            characteristics = fields.characteristics(node)
        elif tag == "ЗначенияСвойств":
            properties.update(fields.property_values(node, lookup))
        elif tag == "Цены":
            prices = tuple(map(_price, children(node, "Цена")))
        elif tag == "Количество":
            quantity = _xml.decimal_text(node)
        elif tag in ("Склад", "Склады"):
            has_stock = True
            _stock_attributes(node, stock)
        elif tag == "Остатки":
            rests_total, rows = _rests(node, stock)
            has_stock = has_stock or rows
        elif tag == "Статус":
            status = text(node)
        elif tag == "ПометкаУдаления":
            mark = text(node)
        elif tag == "Группы":
            group_ids.extend(filter(None, map(text, children(node, "Ид"))))
    if xml_id is None:
        raise _xml.error_at(element, "a Предложение without Ид")
    product_id, variant_id = _xml.split_id(xml_id)
    if variant_id is None and characteristic_id is not None:
        variant_id = characteristic_id
        xml_id = f"{product_id}#{variant_id}"
    if variant_id is not None and not characteristics and properties and lookup is not None:
        characteristics = tuple(
            (lookup.names[prop_id], value)
            for prop_id, values in properties.items()
            if prop_id in lookup.names
            for value in values
        )
    return Offer(
        xml_id=xml_id,
        product_id=product_id,
        variant_id=variant_id,
        article=article,
        name=name,
        barcode=barcode,
        characteristics=characteristics,
        properties=properties,
        prices=prices,
        quantity=quantity if quantity is not None else rests_total,
        stock=stock if has_stock else None,
        deleted=fields.deletion_mark(element, status, mark),
        unit=unit,
        group_ids=tuple(group_ids),
    )


class OffersReader(Reader[Offer]):
    """Iterates the Offer items of an offers / prices / rests file.

    Attributes: `schema_version`, `package` (the OfferPackage header; None if the file has no
    package), `classifier` (offers files may carry one: 2.07 an empty one, 3.1 the properties
    that describe variants).
    """

    def __init__(self, path: str | os.PathLike[str], *, classifier: Classifier | None = None):
        self.package: OfferPackage | None = None
        super().__init__(path, classifier=classifier)

    item = "Предложение"

    def _build(self, element: Element) -> Offer:
        if self.package is None:
            self.package = package_from(element.getparent().getparent(), self.schema_version)
        return offer_from(element, self._lookup)

    def _section(self, element: Element) -> None:
        if local(element.tag) in PACKAGES and self.package is None:
            self.package = package_from(element, self.schema_version)


def read_offers(
    path: str | os.PathLike[str], *, classifier: Classifier | None = None
) -> OffersReader:
    """Open an offers, prices or rests file: `with read_offers(path) as f: for offer in f: …`.

    `classifier`: one met earlier (import.xml, 3.1 properties/…/offers.xml) to resolve property
    values and name 3.1 variant attributes; a classifier inside this file is used as well.
    """
    return OffersReader(path, classifier=classifier)
