"""The captured 1C packages of shared/fixtures/commerceml, and what importing one must leave in
the database — derived from its files by the pure parsers, at the level of 1C ids.

A package is a folder's own XML files plus those of its 3.1 sub-folders (goods/N, properties/N,
documents/N); other sub-folders (d16izhevsk's two exports, gillbeits' example/ and tests/) are
packages of their own. The expectations follow the import rules: full packages deactivate what
they no longer list in the sections they cover, a product with characteristics is ordered only
through them, a price or stock a file omits is kept, "0 in total" zeroes every warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kabinet.exchange.catalog_import import UNGROUPED_SECTION
from kabinet.exchange.classifiers import classifier_merge
from kabinet.exchange.commerceml import FileKind, read_catalog, read_documents, read_offers
from kabinet.exchange.importing import OFFER_KINDS
from kabinet.exchange.offers_import import TOTAL_WAREHOUSE
from kabinet.exchange.orders_in import ORDER_OPERATIONS
from kabinet.exchange.tests.shared import COMMERCEML_SAMPLES

SPLIT_FOLDERS = ("goods", "properties", "documents")


def package_root(path: Path) -> Path:
    folder = path.parent
    if folder.parent.name in SPLIT_FOLDERS:
        return folder.parent.parent
    return folder


def fixture_packages() -> dict[str, list[Path]]:
    """{package folder relative to the samples: its XML files}; empty without the samples."""
    packages: dict[str, list[Path]] = {}
    if COMMERCEML_SAMPLES.is_dir():
        for path in sorted(COMMERCEML_SAMPLES.rglob("*.xml")):
            root = package_root(path).relative_to(COMMERCEML_SAMPLES).as_posix()
            packages.setdefault(root, []).append(path)
    return packages


def variant_key(product_id: str, variant_id: str | None) -> str:
    return f"{product_id}#{variant_id}" if variant_id else product_id


@dataclass
class Expected:
    products: dict[str, bool] = field(default_factory=dict)  # 1C id → active
    variants: dict[str, bool] = field(default_factory=dict)  # 1C id → active
    prices: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    stock: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    offers_unknown_product: int = 0
    order_documents: list = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # product → group it is filed in
    groups: set[str] = field(default_factory=set)
    with_characteristics: set[str] = field(default_factory=set)

    def catalog(self, path: Path, classifier) -> object:
        with read_catalog(path, classifier=classifier) as catalog:
            items = list(catalog)
            own, header = catalog.classifier, catalog.header
        if own is not None:
            self.groups |= {group.id for group in own.groups}
        listed = set()
        for item in items:
            listed.add(item.id)
            group = next((g for g in item.group_ids if g in self.groups), UNGROUPED_SECTION)
            if item.variant_id:
                self.products.setdefault(item.id, not item.deleted)
                self.sections.setdefault(item.id, group)
                self.variants[variant_key(item.id, item.variant_id)] = not item.deleted
                self.with_characteristics.add(item.id)
            else:
                self.products[item.id] = not item.deleted
                self.sections[item.id] = group
                if item.id not in self.with_characteristics:
                    self.variants[item.id] = not item.deleted
        if header is not None and not header.only_changes and listed:
            covered = {self.sections[product] for product in listed}
            for product, section in self.sections.items():
                if section in covered and product not in listed:
                    self.products[product] = False
        return own

    def offers(self, path: Path, classifier) -> object:
        with read_offers(path, classifier=classifier) as reader:
            items = list(reader)
            own, package = reader.classifier, reader.package
        full = package is not None and not package.only_changes and not package.changes_package
        if own is not None:
            self.groups |= {group.id for group in own.groups}
        for offer in items:
            if offer.group_ids and not offer.variant_id:
                # A product described as an offer (the 1C-Bitrix add-on for УТ 10).
                active = not offer.deleted and offer.properties.get("CML2_ACTIVE") != ("false",)
                self.products[offer.product_id] = active
                self.sections[offer.product_id] = next(
                    (g for g in offer.group_ids if g in self.groups), UNGROUPED_SECTION
                )
                if offer.product_id not in self.with_characteristics:
                    self.variants[offer.product_id] = active
            key = variant_key(offer.product_id, offer.variant_id)
            if key not in self.variants:
                if offer.product_id not in self.products:
                    self.offers_unknown_product += 1
                    continue
                self.variants[key] = not offer.deleted
                if offer.variant_id:
                    self.with_characteristics.add(offer.product_id)
                    if offer.product_id in self.variants:
                        self.variants[offer.product_id] = False
            elif offer.deleted:
                self.variants[key] = False
            elif offer.variant_id or offer.product_id not in self.with_characteristics:
                self.variants[key] = True  # the deletion mark cleared: sold again
            for price in offer.prices or ():
                self.prices[(key, price.price_type_id)] = price.amount
            self._stock(key, offer, full)
        return own

    def _stock(self, key: str, offer, full: bool) -> None:
        mine = [row for row in self.stock if row[0] == key]
        if offer.stock:
            for warehouse, quantity in offer.stock.items():
                self.stock[(key, warehouse)] = quantity
            if full:
                for row in mine:
                    if row[1] not in offer.stock:
                        self.stock[row] = Decimal(0)
        elif offer.quantity == 0:
            for row in mine:
                self.stock[row] = Decimal(0)
        elif offer.quantity is not None:
            self.stock[(key, TOTAL_WAREHOUSE)] = offer.quantity

    def documents(self, path: Path) -> None:
        with read_documents(path) as reader:
            self.order_documents += [d for d in reader if d.operation in ORDER_OPERATIONS]


def expected_from(ordered: list[tuple[Path, FileKind]]) -> Expected:
    expected = Expected()
    classifiers = []
    for path, kind in ordered:
        known = classifier_merge(classifiers)
        if kind == FileKind.CATALOG:
            classifiers.append(expected.catalog(path, known))
        elif kind in OFFER_KINDS:
            classifiers.append(expected.offers(path, known))
        elif kind == FileKind.DOCUMENTS:
            expected.documents(path)
    return expected
