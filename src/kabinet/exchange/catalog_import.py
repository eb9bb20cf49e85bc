"""Catalog files from 1C into the database: classifier, products, variants, images.

Upserts by 1C id in batches, inside the caller's transaction (one per file), so partners see
the package whole or not at all. A full package (СодержитТолькоИзменения=false) deactivates —
never deletes — the products it no longer lists, but only in the sections it covers.
"""

from collections import Counter
from contextlib import closing
from pathlib import Path

from kabinet.catalog.models import Brand, Product, Property, Section
from kabinet.catalog.services import catalog_cache_clear
from kabinet.exchange.catalog_products import products_apply
from kabinet.exchange.classifiers import classifier_remember
from kabinet.exchange.commerceml import model as cml
from kabinet.exchange.commerceml import read_catalog
from kabinet.exchange.prefetch import batches_ahead
from kabinet.pricing.models import PriceType, Warehouse

BATCH = 2000
UNGROUPED_SECTION = "__kabinet_ungrouped__"
ID_CHUNK = 900  # ids per IN (…): under SQLite's 999 variables


def upsert(model, objects, *, fields, unique="ext_id") -> list:
    """INSERT … ON CONFLICT (unique) DO UPDATE: one statement per batch on both databases.

    For the short lists of a classifier; an id listed twice is written once (the last one:
    PostgreSQL refuses to update a row twice in one statement).
    """
    if not objects:
        return []
    return model.objects.bulk_create(
        list({getattr(obj, unique): obj for obj in objects}.values()),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=[unique],
        update_fields=fields,
    )


def classifier_apply(classifier: cml.Classifier, counts: Counter) -> None:
    """Sections, properties, price types and warehouses of a Классификатор."""
    if classifier.groups:
        before = {
            ext_id: (name, is_active, parent)
            for ext_id, name, is_active, parent in Section.objects.values_list(
                "ext_id", "name", "is_active", "parent__ext_id"
            )
        }
        # Groups come parent first: insert without parents, then link them.
        rows = upsert(
            Section,
            [
                Section(ext_id=g.id, name=(g.name or g.id)[:300], is_active=not g.deleted)
                for g in classifier.groups
            ],
            fields=["name", "is_active"],
        )
        ids = {section.ext_id: section.pk for section in rows}
        updates = [Section(pk=ids[g.id], parent_id=ids.get(g.parent_id)) for g in classifier.groups]
        Section.objects.bulk_update(updates, ["parent"], batch_size=BATCH)
        wanted = {
            g.id: (
                (g.name or g.id)[:300],
                not g.deleted,
                g.parent_id if g.parent_id in ids else None,
            )
            for g in classifier.groups
        }
        counts["sections"] += len(wanted)
        counts["sections_created"] += sum(1 for ext_id in wanted if ext_id not in before)
        counts["sections_updated"] += sum(
            1 for ext_id, row in wanted.items() if ext_id in before and before[ext_id] != row
        )
        counts["sections_unchanged"] += sum(
            1 for ext_id, row in wanted.items() if before.get(ext_id) == row
        )
        catalog_cache_clear()
    if classifier.properties:
        upsert(
            Property,
            [Property(ext_id=p.id, name=(p.name or p.id)[:200]) for p in classifier.properties],
            fields=["name"],
        )
        counts["properties"] += len(classifier.properties)
    price_types_apply(classifier.price_types, counts)
    warehouses_apply(classifier.warehouses, counts)


def price_types_apply(price_types, counts: Counter) -> None:
    """1C's price types are stored as they come (by Ид, never by name) and reported.

    Staff map them to agreements in the admin; an unknown one is kept, not dropped.
    """
    if not price_types:
        return
    upsert(
        PriceType,
        [
            PriceType(
                ext_id=p.id,
                name=(p.name or p.id)[:200],
                currency=_currency(p.currency),
                vat_included=p.tax_included if p.tax_included is not None else True,
            )
            for p in price_types
        ],
        fields=["name", "currency", "vat_included"],
    )
    counts["price_types"] += len(price_types)


def warehouses_apply(warehouses, counts: Counter) -> None:
    if not warehouses:
        return
    upsert(
        Warehouse,
        [
            Warehouse(ext_id=w.id, name=(w.name or w.id)[:200], is_active=not w.deleted)
            for w in warehouses
        ],
        fields=["name", "is_active"],
    )
    counts["warehouses"] += len(warehouses)


def _currency(value: str | None) -> str:
    value = (value or "").strip().upper()
    return {"РУБ": "RUB", "РУБ.": "RUB", "643": "RUB", "": "RUB"}.get(value, value[:3])


def catalog_import(path: Path, *, classifier: cml.Classifier | None, files_dir: Path) -> dict:
    """Import one catalog file; returns the object counts for the exchange log."""
    counts: Counter = Counter()
    with read_catalog(path, classifier=classifier) as catalog:
        if catalog.classifier is not None:
            classifier_apply(catalog.classifier, counts)
        header = catalog.header
        only_changes = header.only_changes if header else True
        state = CatalogState(files_dir)
        # Closed explicitly: the reader thread must stop before the file is.
        with closing(batches_ahead(catalog, BATCH)) as batches:
            for batch in batches:
                products_apply(batch, state, counts)
        if header is not None and not only_changes and state.seen_products:
            counts["deactivated"] += _unlisted_deactivate(state)
    classifier_remember(path, catalog.classifier)
    return dict(counts)


def _unlisted_deactivate(state: "CatalogState") -> int:
    """A full package hides the products it no longer lists, in the sections it covers.

    Compared in Python: `NOT IN (<100,000 ids>)` is one parameter per id, beyond what SQLite
    takes in a statement."""
    gone = [
        pk
        for pk, ext_id in Product.objects.filter(
            section_id__in=state.sections, is_active=True
        ).values_list("pk", "ext_id")
        if ext_id not in state.seen_products
    ]
    for start in range(0, len(gone), ID_CHUNK):
        Product.objects.filter(pk__in=gone[start : start + ID_CHUNK]).update(is_active=False)
    return len(gone)


class CatalogState:
    """What a whole file needs to know, read once: sections, brands, properties by 1C id."""

    def __init__(self, files_dir: Path) -> None:
        self.files_root = files_dir.resolve()
        self.section_ids = dict(Section.objects.values_list("ext_id", "pk"))
        self.brand_ids = dict(Brand.objects.values_list("name", "pk"))
        self.property_ids = dict(Property.objects.values_list("ext_id", "pk"))
        self.seen_products: set[str] = set()
        self.sections: set[int] = set()

    def section_for(self, group_ids) -> int:
        for group_id in group_ids:
            if group_id in self.section_ids:
                return self.section_ids[group_id]
        if UNGROUPED_SECTION not in self.section_ids:
            section, _ = Section.objects.get_or_create(
                ext_id=UNGROUPED_SECTION, defaults={"name": "Без группы", "sort": 10_000}
            )
            self.section_ids[UNGROUPED_SECTION] = section.pk
        return self.section_ids[UNGROUPED_SECTION]

    def brand_for(self, name: str | None) -> int | None:
        name = (name or "").strip()[:200]
        if not name:
            return None
        if name not in self.brand_ids:
            self.brand_ids[name] = Brand.objects.get_or_create(name=name)[0].pk
        return self.brand_ids[name]
