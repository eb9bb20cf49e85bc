"""Counts of a CommerceML file taken two independent ways: plain XPath over the whole document
(local-name() steps, so namespace-blind) and the parsers' output. The sample tests compare
both with numbers checked by hand."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from kabinet.exchange.commerceml import (
    FileKind,
    read_catalog,
    read_counterparties,
    read_documents,
    read_offers,
)


def q(*names: str) -> str:
    """//A/B/C written with local-name() steps."""
    return "//" + "/".join(f"*[local-name()='{name}']" for name in names)


def _has(name: str) -> str:
    return f"*[local-name()='{name}']"


PRODUCT = q("Каталог", "Товары", "Товар")
OFFER = "//*[local-name()='Предложения']/" + _has("Предложение")
DOCUMENT = q("Документ")
HAS_DIGIT = "[translate(., '0123456789', '') != .]"
DISTINCT_REQUISITE = (
    f"/{_has('ЗначенияРеквизитов')}/{_has('ЗначениеРеквизита')}"
    f"[not({_has('Наименование')} = preceding-sibling::*/{_has('Наименование')})]"
)

XPATHS = {
    FileKind.CATALOG: {
        "groups": q("Классификатор") + "//" + _has("Группа"),
        "properties": q("Классификатор", "Свойства")
        + "/*[local-name()='Свойство' or local-name()='СвойствоНоменклатуры']",
        "dictionary_values": q("Классификатор", "Свойства", "Свойство", "ВариантыЗначений")
        + f"/{_has('Справочник')}[normalize-space({_has('ИдЗначения')})]",
        "price_types": q("Классификатор", "ТипыЦен", "ТипЦены"),
        "warehouses": q("Классификатор", "Склады", "Склад"),
        "units": q("Классификатор", "ЕдиницыИзмерения", "ЕдиницаИзмерения"),
        "products": PRODUCT,
        "variants": f"{PRODUCT}[contains({_has('Ид')}, '#')]",
        "property_values": f"{PRODUCT}/{_has('ЗначенияСвойств')}/{_has('ЗначенияСвойства')}"
        f"[not({_has('Ид')} = preceding-sibling::*/{_has('Ид')})]",
        "requisites": PRODUCT + DISTINCT_REQUISITE,
        "images": f"{PRODUCT}/{_has('Картинка')}[normalize-space()]",
        "characteristics": f"{PRODUCT}/{_has('ХарактеристикиТовара')}/*",
        "deleted": f"{PRODUCT}[{_has('ПометкаУдаления')}='true' or {_has('Статус')}='Удален'"
        " or @Статус='Удален']",
        "with_vat": f"{PRODUCT}[{_has('СтавкиНалогов')}/*/{_has('Ставка')}{HAS_DIGIT}]",
    },
    "offers": {
        "offers": OFFER,
        "variants": f"{OFFER}[contains({_has('Ид')}, '#')]",
        "prices": f"{OFFER}/{_has('Цены')}/{_has('Цена')}",
        "with_prices": f"{OFFER}[{_has('Цены')}]",
        "stock_rows": f"{OFFER}/{_has('Склад')}[@ИдСклада] | "
        f"{OFFER}/{_has('Остатки')}/{_has('Остаток')}/{_has('Склад')}",
        "with_stock": f"{OFFER}[{_has('Склад')} or {_has('Остатки')}]",
        "with_quantity": f"{OFFER}[{_has('Количество')}]",
        "property_values": f"{OFFER}/{_has('ЗначенияСвойств')}/{_has('ЗначенияСвойства')}"
        f"[{_has('Ид')}]",
        "deleted": f"{OFFER}[{_has('ПометкаУдаления')}='true' or {_has('Статус')}='Удален']",
        "price_types": q("ПакетПредложений", "ТипыЦен", "ТипЦены"),
        "warehouses": q("ПакетПредложений", "Склады", "Склад"),
    },
    FileKind.DOCUMENTS: {
        "documents": DOCUMENT,
        "lines": f"{DOCUMENT}/{_has('Товары')}/{_has('Товар')}",
        "counterparties": f"{DOCUMENT}/{_has('Контрагенты')}/{_has('Контрагент')}",
        "requisites": DOCUMENT + DISTINCT_REQUISITE,
        "posted": f"{DOCUMENT}[{_has('ЗначенияРеквизитов')}/*[{_has('Наименование')}='Проведен'"
        f" and {_has('Значение')}='true']]",
    },
    FileKind.COUNTERPARTIES: {
        "counterparties": f"/*/{_has('Контрагенты')}/{_has('Контрагент')}",
    },
    FileKind.EMPTY: {"elements": "/*/*"},
}
XPATHS[FileKind.OFFERS] = XPATHS[FileKind.PRICES] = XPATHS[FileKind.RESTS] = XPATHS["offers"]


def by_xpath(path: Path, kind: FileKind) -> dict[str, int]:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return {name: int(tree.xpath(f"count({xpath})")) for name, xpath in XPATHS[kind].items()}


def _catalog(path: Path) -> dict[str, int]:
    with read_catalog(path) as catalog:
        products = list(catalog)
        classifier = catalog.classifier
    lists = (
        {}
        if classifier is None
        else {
            "groups": classifier.groups,
            "properties": classifier.properties,
            "price_types": classifier.price_types,
            "warehouses": classifier.warehouses,
            "units": classifier.units,
        }
    )
    counts = {name: len(lists.get(name, ())) for name in XPATHS[FileKind.CATALOG]}
    counts["dictionary_values"] = sum(len(p.values) for p in lists.get("properties", ()))
    counts.update(
        products=len(products),
        variants=sum(p.variant_id is not None for p in products),
        property_values=sum(len(p.properties) for p in products),
        requisites=sum(len(p.requisites) for p in products),
        images=sum(len(p.images) for p in products),
        characteristics=sum(len(p.characteristics) for p in products),
        deleted=sum(p.deleted for p in products),
        with_vat=sum(p.vat_rate is not None for p in products),
    )
    return counts


def _offers(path: Path) -> dict[str, int]:
    with read_offers(path) as package:
        offers = list(package)
        header = package.package
    return {
        "offers": len(offers),
        "variants": sum(o.variant_id is not None for o in offers),
        "prices": sum(len(o.prices or ()) for o in offers),
        "with_prices": sum(o.prices is not None for o in offers),
        "stock_rows": sum(len(o.stock or {}) for o in offers),
        "with_stock": sum(o.stock is not None for o in offers),
        "with_quantity": sum(o.quantity is not None for o in offers),
        "property_values": sum(len(o.properties) for o in offers),
        "deleted": sum(o.deleted for o in offers),
        "price_types": len(header.price_types) if header else 0,
        "warehouses": len(header.warehouses) if header else 0,
    }


def _documents(path: Path) -> dict[str, int]:
    with read_documents(path) as reader:
        documents = list(reader)
    return {
        "documents": len(documents),
        "lines": sum(len(d.lines) for d in documents),
        "counterparties": sum(len(d.counterparties) for d in documents),
        "requisites": sum(len(d.requisites) for d in documents),
        "posted": sum(d.posted is True for d in documents),
    }


def _counterparties(path: Path) -> dict[str, int]:
    with read_counterparties(path) as reader:
        return {"counterparties": len(list(reader))}


def _empty(path: Path) -> dict[str, int]:
    with read_documents(path) as reader:
        return {"elements": len(list(reader))}


PARSED = {
    FileKind.CATALOG: _catalog,
    FileKind.OFFERS: _offers,
    FileKind.PRICES: _offers,
    FileKind.RESTS: _offers,
    FileKind.DOCUMENTS: _documents,
    FileKind.COUNTERPARTIES: _counterparties,
    FileKind.EMPTY: _empty,
}


def by_parser(path: Path, kind: FileKind) -> dict[str, int]:
    return PARSED[kind](path)
