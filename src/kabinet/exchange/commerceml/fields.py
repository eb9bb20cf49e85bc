"""Parsers for the sub-elements that products, offers and order lines share."""

from __future__ import annotations

import re
from decimal import Decimal

from kabinet.exchange.commerceml._xml import (
    Element,
    attr,
    boolean,
    child_text,
    children,
    local,
    text,
)
from kabinet.exchange.commerceml.model import Classifier, Unit


class Lookup:
    """What known classifiers let item parsers resolve: dictionary values, property names, units.

    Later classifiers win; the one inside the file being read is added when the parser meets it.
    """

    __slots__ = ("names", "units", "values")

    def __init__(self, *classifiers: Classifier | None) -> None:
        self.values: dict[str, dict[str, str]] = {}
        self.names: dict[str, str] = {}
        self.units: dict[str, Unit] = {}
        for classifier in classifiers:
            self.add(classifier)

    def add(self, classifier: Classifier | None) -> None:
        if classifier is None:
            return
        for prop in classifier.properties:
            if prop.values:
                self.values.setdefault(prop.id, {}).update(prop.values)
            if prop.name:
                self.names[prop.id] = prop.name
        for unit in classifier.units:
            for key in (unit.code, unit.id):  # by Ид last: that is what items refer to
                if key:
                    self.units[key] = unit


def deletion_mark(element: Element, status: str | None, mark: str | None) -> bool:
    """ПометкаУдаления true (1C-Bitrix) or Статус "Удален" (older exports, element or attribute)."""
    status = status or attr(element, "Статус")
    return boolean(mark) is True or (status is not None and status.lower() == "удален")


def unit(element: Element, lookup: Lookup | None = None) -> Unit:
    """БазоваяЕдиница with attributes (2.x), a bare classifier reference (3.1), or Единица."""
    code = attr(element, "Код")
    if code is not None or len(element.attrib):
        return Unit(
            id=None,
            code=code,
            name=text(element),
            full_name=attr(element, "НаименованиеПолное"),
            international_abbr=attr(element, "МеждународноеСокращение"),
        )
    if len(element):  # Единица of 3.1 documents: Ид, Код, НаименованиеКраткое, НаименованиеПолное
        return Unit(
            id=child_text(element, "Ид"),
            code=child_text(element, "Код"),
            name=child_text(element, "НаименованиеКраткое"),
            full_name=child_text(element, "НаименованиеПолное"),
            international_abbr=child_text(element, "МеждународноеСокращение"),
        )
    value = text(element)
    if value is not None and lookup is not None and value in lookup.units:
        return lookup.units[value]
    if value is not None and value.isdigit():
        return Unit(id=None, code=value, name=None)
    return Unit(id=None, code=None, name=value)


def property_values(element: Element, lookup: Lookup | None) -> dict[str, tuple[str, ...]]:
    """ЗначенияСвойств → {property Ид: values}, dictionary ids resolved to their text.

    Values keep their order; a value repeated for the same property is kept once.
    """
    result: dict[str, tuple[str, ...]] = {}
    for item in element:
        if local(item.tag) != "ЗначенияСвойства":
            continue
        prop_id = None
        raw: list[str] = []
        nested: list[str] = []
        for node in item:
            tag = local(node.tag)
            if tag == "Ид":
                prop_id = text(node)
            elif tag == "Значение":
                if (value := text(node)) is not None:
                    raw.append(value)
            elif tag == "ЗначениеСвойства":  # 1C-Bitrix nests ЗначениеСвойства/Значение too
                nested.extend(v for v in map(text, children(node, "Значение")) if v is not None)
        if prop_id is None:
            continue
        raw = raw or nested
        dictionary = lookup.values.get(prop_id) if lookup is not None else None
        if dictionary:
            raw = [dictionary.get(value, value) for value in raw]
        # A multi-valued property may come as one ЗначенияСвойства per value (1C-Bitrix).
        result[prop_id] = tuple(dict.fromkeys((*result.get(prop_id, ()), *raw)))
    return result


def _name_and_values(item: Element) -> tuple[str | None, list[str]]:
    """(Наименование, [Значение…]) of a ХарактеристикаТовара or ЗначениеРеквизита."""
    name = None
    values = []
    for node in item:
        tag = local(node.tag)
        if tag == "Наименование":
            name = text(node)
        elif tag == "Значение" and (value := text(node)) is not None:
            values.append(value)
    return name, values


def characteristics(element: Element) -> tuple[tuple[str, str], ...]:
    """ХарактеристикиТовара → ((Наименование, Значение), …), blank pairs dropped."""
    pairs = []
    for item in element:
        if local(item.tag) == "ХарактеристикаТовара":
            name, values = _name_and_values(item)
            if name is not None or values:
                pairs.append((name or "", values[0] if values else ""))
    return tuple(pairs)


def requisites(element: Element) -> dict[str, str]:
    """ЗначенияРеквизитов → {Наименование: Значение}; repeated names joined by a newline."""
    result: dict[str, str] = {}
    for item in element:
        if local(item.tag) != "ЗначениеРеквизита":
            continue
        name, values = _name_and_values(item)
        if name is None:
            continue
        value = "\n".join(values)
        result[name] = f"{result[name]}\n{value}" if result.get(name) else value
    return result


def taxes(element: Element) -> tuple[tuple[str, str], ...]:
    """СтавкиНалогов/СтавкаНалога or Налоги/Налог → ((Наименование, Ставка), …)."""
    pairs = []
    for item in element:
        if local(item.tag) in ("СтавкаНалога", "Налог"):
            rate = child_text(item, "Ставка")
            if rate is not None:
                pairs.append((child_text(item, "Наименование") or "", rate))
    return tuple(pairs)


_RATE = re.compile(r"\d+(?:[.,]\d+)?")


def vat_rate(pairs: tuple[tuple[str, str], ...]) -> Decimal | None:
    """The НДС rate in percent from "20", "20%", "НДС 20%", "20/120"; None for "Без налога"."""
    rates = [rate for name, rate in pairs if name.upper().startswith("НДС")]
    rate = rates[0] if rates else (pairs[0][1] if pairs else None)
    match = _RATE.search(rate) if rate else None
    return Decimal(match.group().replace(",", ".")) if match else None


def manufacturer(element: Element) -> str | None:
    """Изготовитель: a counterparty (Ид, Наименование) or, in some exports, plain text."""
    return child_text(element, "Наименование") or text(element)


def address(element: Element) -> str | None:
    """An address: its Представление, or its АдресноеПоле values joined."""
    shown = child_text(element, "Представление")
    if shown is not None:
        return shown
    parts = [child_text(field, "Значение") for field in children(element, "АдресноеПоле")]
    return ", ".join(part for part in parts if part) or None


def contacts(element: Element) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in children(element, "Контакт"):
        kind = child_text(item, "Тип") or child_text(item, "КонтактВид") or ""
        value = child_text(item, "Значение")
        if value is not None:
            pairs.append((kind, value))
    return tuple(pairs)
