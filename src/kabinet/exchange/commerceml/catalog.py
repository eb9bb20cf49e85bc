"""Catalog files (import*.xml, 3.1 goods/ and properties/): classifier, catalog header, products."""

from __future__ import annotations

import os

from kabinet.exchange.commerceml import _xml, fields
from kabinet.exchange.commerceml._xml import Element, child_text, children, local, text
from kabinet.exchange.commerceml.model import CatalogHeader, Classifier, Image, Product, Unit
from kabinet.exchange.commerceml.reader import Reader


def header_from(element: Element, schema_version: str | None = None) -> CatalogHeader:
    return CatalogHeader(
        id=child_text(element, "Ид"),
        classifier_id=child_text(element, "ИдКлассификатора"),
        name=child_text(element, "Наименование"),
        only_changes=_xml.only_changes(element) is True,
        schema_version=schema_version,
    )


def _images(paths: list[str], requisites: dict[str, str]) -> tuple[Image, ...]:
    descriptions: dict[str, str] = {}
    for line in requisites.get("ОписаниеФайла", "").splitlines():
        path, _, description = line.partition("#")
        if description.strip():
            descriptions[path.strip()] = description.strip()
    return tuple(Image(path, descriptions.get(path)) for path in paths)


def product_from(element: Element, lookup: fields.Lookup | None = None) -> Product:
    """Build a Product from a complete Товар element."""
    xml_id = article = name = description = barcode = None
    status = mark = maker = brand = None
    group_ids: list[str] = []
    images: list[str] = []
    properties: dict[str, tuple[str, ...]] = {}
    requisites: dict[str, str] = {}
    taxes: tuple[tuple[str, str], ...] = ()
    characteristics: tuple[tuple[str, str], ...] = ()
    unit: Unit | None = None
    for node in element:
        tag = local(node.tag)
        if tag == "Ид":
            xml_id = text(node)
        elif tag == "Артикул":
            article = text(node)
        elif tag == "Наименование":
            name = text(node)
        elif tag in ("Штрихкод", "ШтрихКод"):
            barcode = barcode or text(node)
        elif tag == "БазоваяЕдиница":
            unit = fields.unit(node, lookup)
        elif tag == "Группы":
            group_ids.extend(filter(None, map(text, children(node, "Ид"))))
        elif tag == "Описание":
            description = text(node)
        elif tag == "Картинка":
            if (path := text(node)) is not None:
                images.append(path)
        elif tag == "ЗначенияСвойств":
            properties.update(fields.property_values(node, lookup))
        elif tag == "ЗначенияРеквизитов":
            requisites.update(fields.requisites(node))
        elif tag == "СтавкиНалогов":
            taxes = fields.taxes(node)
        elif tag == "ХарактеристикиТовара":
            characteristics = fields.characteristics(node)
        elif tag == "Изготовитель":
            maker = fields.manufacturer(node)
        elif tag in ("ТорговаяМарка", "Бренд"):
            brand = text(node)
        elif tag == "Статус":
            status = text(node)
        elif tag == "ПометкаУдаления":
            mark = text(node)
    if xml_id is None:
        raise _xml.error_at(element, "a Товар without Ид")
    product_id, variant_id = _xml.split_id(xml_id)
    return Product(
        xml_id=xml_id,
        id=product_id,
        variant_id=variant_id,
        article=article,
        name=name,
        group_ids=tuple(group_ids),
        description=description,
        images=_images(images, requisites),
        properties=properties,
        requisites=requisites,
        vat_rate=fields.vat_rate(taxes),
        taxes=taxes,
        barcode=barcode,
        characteristics=characteristics,
        deleted=fields.deletion_mark(element, status, mark),
        unit=unit,
        manufacturer=maker,
        brand=brand,
    )


class CatalogReader(Reader[Product]):
    """Iterates the Product items of a catalog file.

    Attributes: `schema_version`, `classifier` (None if the file has none), `header`
    (the Каталог header; None if the file has no Каталог).
    """

    def __init__(self, path: str | os.PathLike[str], *, classifier: Classifier | None = None):
        self.header: CatalogHeader | None = None
        super().__init__(path, classifier=classifier)

    item = "Товар"

    def _build(self, element: Element) -> Product:
        if self.header is None:
            self.header = header_from(element.getparent().getparent(), self.schema_version)
        return product_from(element, self._lookup)

    def _section(self, element: Element) -> None:
        if local(element.tag) == "Каталог" and self.header is None:
            self.header = header_from(element, self.schema_version)


def read_catalog(
    path: str | os.PathLike[str], *, classifier: Classifier | None = None
) -> CatalogReader:
    """Open a catalog file: `with read_catalog(path) as catalog: for product in catalog: …`.

    `classifier`: one met in an earlier file of the same exchange (3.1 sends properties and
    goods separately), used to resolve dictionary values and units; the file's own wins.
    """
    return CatalogReader(path, classifier=classifier)
