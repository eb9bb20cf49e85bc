"""Writes small CommerceML files the way the various 1C versions do, so the suite runs anywhere.

Each builder returns an XML fragment (str); `write` wraps fragments in the root element and
encodes them (UTF-8 or Windows-1251, with or without BOM, any namespace). Values are padded
with spaces on purpose: 1C does that, and the parsers must strip them.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Mapping
from pathlib import Path

NAMESPACES = (None, "urn:1C.ru:commerceml_2", "urn:1C.ru:commerceml_210", "urn:1C.ru:commerceml_3")
Pairs = Iterable[tuple[str, str]]


def _only_changes(value: bool | None) -> str:
    return "" if value is None else f' СодержитТолькоИзменения="{str(value).lower()}"'


def _tag(name: str, value: object | None) -> str:
    return "" if value is None else f"<{name}> {value} </{name}>"


def _pairs(container: str, item: str, pairs: Pairs) -> str:
    inner = "".join(
        f"<{item}><Наименование>{name}</Наименование><Значение>{value}</Значение></{item}>"
        for name, value in pairs
    )
    return f"<{container}>{inner}</{container}>" if inner else ""


def _properties(values: Mapping[str, str | Iterable[str]]) -> str:
    items = []
    for prop_id, value in values.items():
        listed = [value] if isinstance(value, str) else list(value)
        items.append(
            f"<ЗначенияСвойства><Ид>{prop_id}</Ид>"
            + "".join(f"<Значение>{v}</Значение>" for v in listed)
            + "</ЗначенияСвойства>"
        )
    return f"<ЗначенияСвойств>{''.join(items)}</ЗначенияСвойств>" if items else ""


def groups(tree: Mapping[str, tuple[str, Mapping]]) -> str:
    """{id: (name, {child id: (name, {...})})} → a recursive Группы element."""
    inner = "".join(
        f"<Группа><Ид> {group_id} </Ид><Наименование>{name}</Наименование>"
        f"{groups(nested) if nested else ''}</Группа>"
        for group_id, (name, nested) in tree.items()
    )
    return f"<Группы>{inner}</Группы>"


def dictionary_property(prop_id: str, name: str, values: Mapping[str, str], *, tag="Свойство"):
    variants = "".join(
        f"<Справочник><ИдЗначения>{value_id}</ИдЗначения><Значение>{value}</Значение></Справочник>"
        for value_id, value in values.items()
    )
    return (
        f"<{tag}><Ид>{prop_id}</Ид><Наименование>{name}</Наименование>"
        f"<ТипЗначений>Справочник</ТипЗначений><ВариантыЗначений>{variants}</ВариантыЗначений>"
        f"</{tag}>"
    )


def price_types(types: Mapping[str, str], *, currency: str = "RUB") -> str:
    inner = "".join(
        f"<ТипЦены><Ид>{type_id}</Ид><Наименование>{name}</Наименование>"
        f"<Валюта>{currency}</Валюта><Налог><Наименование>НДС</Наименование>"
        "<УчтеноВСумме>true</УчтеноВСумме></Налог></ТипЦены>"
        for type_id, name in types.items()
    )
    return f"<ТипыЦен>{inner}</ТипыЦен>"


def warehouses(places: Mapping[str, str]) -> str:
    inner = "".join(
        f"<Склад><Ид>{place_id}</Ид><Наименование>{name}</Наименование></Склад>"
        for place_id, name in places.items()
    )
    return f"<Склады>{inner}</Склады>"


def classifier(*sections: str, only_changes: bool | None = None) -> str:
    return (
        f"<Классификатор{_only_changes(only_changes)}><Ид>cls-1</Ид>"
        f"<Наименование>Классификатор</Наименование>{''.join(sections)}</Классификатор>"
    )


def catalog(*products: str, only_changes: bool | None = None, as_element: bool = False) -> str:
    flag = ""
    if as_element and only_changes is not None:  # 2.03 writes it as a child element
        flag = f"<СодержитТолькоИзменения>{str(only_changes).lower()}</СодержитТолькоИзменения>"
    attribute = "" if as_element else _only_changes(only_changes)
    return (
        f"<Каталог{attribute}><Ид>cat-1</Ид><ИдКлассификатора>cls-1</ИдКлассификатора>"
        f"<Наименование>Каталог товаров</Наименование>{flag}"
        f"<Товары>{''.join(products)}</Товары></Каталог>"
    )


def product(
    xml_id: str,
    name: str,
    *,
    article: str | None = None,
    group_ids: Iterable[str] = (),
    properties: Mapping[str, str | Iterable[str]] | None = None,
    requisites: Pairs = (),
    characteristics: Pairs = (),
    vat: str | None = None,
    images: Iterable[str] = (),
    barcode: str | None = None,
    barcode_tag: str = "Штрихкод",
    unit: str = '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука">шт</БазоваяЕдиница>',
    extra: str = "",
) -> str:
    taxes = (
        ""
        if vat is None
        else f"<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>{vat}"
        "</Ставка></СтавкаНалога></СтавкиНалогов>"
    )
    group_list = "".join(f"<Ид>{group_id}</Ид>" for group_id in group_ids)
    return (
        f"<Товар><Ид> {xml_id} </Ид>{_tag(barcode_tag, barcode)}{_tag('Артикул', article)}"
        f"<Наименование>{name}</Наименование>{unit}"
        f"{f'<Группы>{group_list}</Группы>' if group_list else ''}"
        + "".join(f"<Картинка>{image}</Картинка>" for image in images)
        + _properties(properties or {})
        + taxes
        + _pairs("ХарактеристикиТовара", "ХарактеристикаТовара", characteristics)
        + _pairs("ЗначенияРеквизитов", "ЗначениеРеквизита", requisites)
        + extra
        + "</Товар>"
    )


def package(
    *offers: str,
    sections: str = "",
    only_changes: bool | None = None,
    tag: str = "ПакетПредложений",
) -> str:
    return (
        f"<{tag}{_only_changes(only_changes)}><Ид>cat-1#</Ид>"
        "<Наименование>Пакет предложений</Наименование><ИдКаталога>cat-1</ИдКаталога>"
        f"<ИдКлассификатора>cls-1</ИдКлассификатора>{sections}"
        f"<Предложения>{''.join(offers)}</Предложения></{tag}>"
    )


def offer(
    xml_id: str,
    *,
    name: str | None = None,
    prices: Iterable[tuple[str, str]] = (),
    quantity: str | None = None,
    stock: Mapping[str, str] | None = None,
    rests: Mapping[str, str] | None = None,
    characteristics: Pairs = (),
    properties: Mapping[str, str | Iterable[str]] | None = None,
    empty_characteristics: bool = False,
    extra: str = "",
) -> str:
    """stock → <Склад ИдСклада КоличествоНаСкладе/> (2.07); rests → Остатки/Остаток (2.09+)."""
    price_list = "".join(
        f"<Цена><Представление>{amount} RUB за шт</Представление><ИдТипаЦены>{type_id}"
        f"</ИдТипаЦены><ЦенаЗаЕдиницу> {amount} </ЦенаЗаЕдиницу><Валюта>RUB</Валюта>"
        "<Единица>шт</Единица><Коэффициент>1</Коэффициент></Цена>"
        for type_id, amount in prices
    )
    rest_list = "".join(
        f"<Остаток><Склад><Ид>{place}</Ид><Количество>{amount}</Количество></Склад></Остаток>"
        for place, amount in (rests or {}).items()
    )
    characteristics_xml = _pairs("ХарактеристикиТовара", "ХарактеристикаТовара", characteristics)
    if empty_characteristics and not characteristics_xml:
        characteristics_xml = "<ХарактеристикиТовара/>"
    return (
        f"<Предложение><Ид>{xml_id}</Ид>{_tag('Наименование', name)}{characteristics_xml}"
        f"{_properties(properties or {})}{extra}"
        f"{f'<Цены>{price_list}</Цены>' if price_list else ''}{_tag('Количество', quantity)}"
        + "".join(
            f'<Склад ИдСклада=" {place} " КоличествоНаСкладе="{amount}"/>'
            for place, amount in (stock or {}).items()
        )
        + (f"<Остатки>{rest_list}</Остатки>" if rests is not None else "")
        + "</Предложение>"
    )


def order(
    number: str,
    *,
    lines: Iterable[tuple[str, str, str, str]] = (),
    requisites: Pairs = (),
    extra: str = "",
) -> str:
    """An order Документ; lines are (Ид, Наименование, ЦенаЗаЕдиницу, Количество)."""
    goods = "".join(
        f"<Товар><Ид>{line_id}</Ид><Наименование>{name}</Наименование>"
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>'
        f"<ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу><Количество>{quantity}</Количество>"
        f"<Сумма>{price}</Сумма></Товар>"
        for line_id, name, price, quantity in lines
    )
    return (
        f"<Документ><Ид>{number}</Ид><Номер>{number}</Номер><Дата>2026-01-15</Дата>"
        "<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Валюта>RUB</Валюта>"
        "<Курс>1</Курс><Сумма>1 500,50</Сумма><Время>9:05:00</Время>"
        "<Контрагенты><Контрагент><Ид>cp-1</Ид><Наименование>ООО Ромашка</Наименование>"
        "<Роль>Покупатель</Роль><ИНН>7701234567</ИНН><КПП>770101001</КПП>"
        "<ЮридическийАдрес><Представление>Москва, Тверская 1</Представление></ЮридическийАдрес>"
        "</Контрагент></Контрагенты>"
        f"<Товары>{goods}</Товары>{_pairs('ЗначенияРеквизитов', 'ЗначениеРеквизита', requisites)}"
        f"{extra}</Документ>"
    )


def render(
    *sections: str,
    version: str = "2.07",
    namespace: str | None = None,
    encoding: str = "utf-8",
    bom: bool = False,
    root: str = "КоммерческаяИнформация",
) -> bytes:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    declared = "UTF-8" if encoding == "utf-8" else encoding
    body = "\n".join(sections)
    text = (
        f'<?xml version="1.0" encoding="{declared}"?>\n<{root}{xmlns} ВерсияСхемы="{version}" '
        f'ДатаФормирования="2026-01-15T10:00:00">\n{body}\n</{root}>\n'
    )
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def write(path: Path, *sections: str, **options) -> Path:
    """Write `sections` wrapped in a root element (options as for `render`) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(*sections, **options))
    return path
