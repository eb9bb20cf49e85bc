"""Классификатор: groups, properties, price types, warehouses, units, categories."""

from __future__ import annotations

from collections.abc import Iterator

from kabinet.exchange.commerceml import _xml
from kabinet.exchange.commerceml._xml import Element, boolean, child, child_text, children, local
from kabinet.exchange.commerceml.model import (
    Category,
    Classifier,
    Group,
    PriceType,
    Property,
    Unit,
    Warehouse,
)


def _deleted(element: Element) -> bool:
    return boolean(child_text(element, "ПометкаУдаления")) is True


def _groups(container: Element, parent_id: str | None) -> Iterator[Group]:
    for element in children(container, "Группа"):
        group_id = child_text(element, "Ид")
        if group_id is None:
            raise _xml.error_at(element, "a Группа without Ид")
        yield Group(group_id, child_text(element, "Наименование"), parent_id, _deleted(element))
        nested = child(element, "Группы")
        if nested is not None:
            yield from _groups(nested, group_id)


def _property(element: Element) -> Property | None:
    prop_id = child_text(element, "Ид")
    if prop_id is None:
        return None
    values: dict[str, str] = {}
    variants = child(element, "ВариантыЗначений")
    if variants is not None:
        for item in children(variants, "Справочник"):
            value_id = child_text(item, "ИдЗначения")
            if value_id is not None:  # a blank Значение is a value too: the empty one
                values[value_id] = child_text(item, "Значение") or ""
    return Property(
        id=prop_id,
        name=child_text(element, "Наименование"),
        value_type=child_text(element, "ТипЗначений"),
        multiple=boolean(child_text(element, "Множественное")) is True,
        values=values,
        deleted=_deleted(element),
    )


def price_type(element: Element) -> PriceType:
    price_type_id = child_text(element, "Ид")
    if price_type_id is None:
        raise _xml.error_at(element, "a ТипЦены without Ид")
    tax = child(element, "Налог")
    return PriceType(
        id=price_type_id,
        name=child_text(element, "Наименование"),
        currency=child_text(element, "Валюта"),
        tax_name=child_text(tax, "Наименование") if tax is not None else None,
        tax_included=boolean(child_text(tax, "УчтеноВСумме")) if tax is not None else None,
        deleted=_deleted(element),
    )


def warehouse(element: Element) -> Warehouse:
    warehouse_id = child_text(element, "Ид")
    if warehouse_id is None:
        raise _xml.error_at(element, "a Склад without Ид")
    return Warehouse(warehouse_id, child_text(element, "Наименование"), _deleted(element))


def _unit(element: Element) -> Unit:
    return Unit(
        id=child_text(element, "Ид"),
        code=child_text(element, "Код"),
        name=child_text(element, "НаименованиеКраткое"),
        full_name=child_text(element, "НаименованиеПолное"),
        international_abbr=child_text(element, "МеждународноеСокращение"),
    )


def _category(element: Element) -> Category | None:
    category_id = child_text(element, "Ид")
    if category_id is None:
        return None
    props = child(element, "Свойства")
    property_ids = () if props is None else tuple(filter(None, map(_xml.text, props)))
    return Category(category_id, child_text(element, "Наименование"), property_ids)


def classifier_from(element: Element) -> Classifier:
    """Build a Classifier from a complete Классификатор element."""
    groups: list[Group] = []
    properties: list[Property] = []
    price_types: list[PriceType] = []
    warehouses: list[Warehouse] = []
    units: list[Unit] = []
    categories: list[Category] = []
    for section in element:
        name = local(section.tag)
        if name == "Группы":
            groups.extend(_groups(section, None))
        elif name == "Свойства":
            found = (_property(item) for item in section)
            properties.extend(prop for prop in found if prop is not None)
        elif name == "ТипыЦен":
            price_types.extend(map(price_type, children(section, "ТипЦены")))
        elif name == "Склады":
            warehouses.extend(map(warehouse, children(section, "Склад")))
        elif name == "ЕдиницыИзмерения":
            units.extend(map(_unit, children(section, "ЕдиницаИзмерения")))
        elif name == "Категории":
            found_categories = map(_category, children(section, "Категория"))
            categories.extend(category for category in found_categories if category is not None)
    return Classifier(
        id=child_text(element, "Ид"),
        name=child_text(element, "Наименование"),
        only_changes=_xml.only_changes(element) is True,
        groups=tuple(groups),
        properties=tuple(properties),
        price_types=tuple(price_types),
        warehouses=tuple(warehouses),
        units=tuple(units),
        categories=tuple(categories),
    )
