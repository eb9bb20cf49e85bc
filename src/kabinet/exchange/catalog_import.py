"""Catalog files from 1C into the database: classifier, products, variants, images.

Upserts by 1C id in batches, inside the caller's transaction (one per file), so partners see
the package whole or not at all. A full package (СодержитТолькоИзменения=false) deactivates —
never deletes — the products it no longer lists, but only in the sections it covers.
"""

import hashlib
import itertools
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile

from kabinet.catalog.models import (
    Barcode,
    Brand,
    Product,
    ProductImage,
    ProductProperty,
    Property,
    Section,
    Variant,
)
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.exchange.commerceml import model as cml
from kabinet.exchange.commerceml import read_catalog
from kabinet.pricing.models import PriceType, Warehouse

BATCH = 2000
UNGROUPED_SECTION = "__kabinet_ungrouped__"
COLOUR_NAMES = {"цвет", "color", "colour"}
SIZE_NAMES = {"размер", "size", "рост"}


def upsert(model, objects, *, fields, unique="ext_id") -> list:
    """INSERT … ON CONFLICT (unique) DO UPDATE: one statement per batch on both databases."""
    if not objects:
        return []
    return model.objects.bulk_create(
        objects,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=[unique],
        update_fields=fields,
    )


def classifier_apply(classifier: cml.Classifier, counts: Counter) -> None:
    """Sections, properties, price types and warehouses of a Классификатор."""
    if classifier.groups:
        existing = dict(Section.objects.values_list("ext_id", "pk"))
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
        counts["sections"] += len(rows)
        counts["sections_created"] += len(set(ids) - set(existing))
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
        state = _ImportState()
        while batch := list(itertools.islice(catalog, BATCH)):
            _products_apply(batch, state, counts, files_dir)
        if header is not None and not only_changes and state.seen_products:
            counts["deactivated"] += (
                Product.objects.filter(section_id__in=state.sections, is_active=True)
                .exclude(ext_id__in=state.seen_products)
                .update(is_active=False)
            )
    return dict(counts)


class _ImportState:
    def __init__(self) -> None:
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


def _split_characteristics(pairs) -> tuple[str, str, dict]:
    colour = size = ""
    for name, value in pairs:
        key = (name or "").strip().lower()
        if key in COLOUR_NAMES and not colour:
            colour = value
        elif key in SIZE_NAMES and not size:
            size = value
    return colour[:100], size[:100], dict(pairs)


def _products_apply(items: list[cml.Product], state: _ImportState, counts: Counter, files_dir):
    # A Товар with Ид "p#c" (CommerceML 2.04) is a variant of product p; the product itself may
    # or may not come as its own Товар.
    products: dict[str, cml.Product] = {}
    variant_items = []
    for item in items:
        if item.variant_id:
            variant_items.append(item)
            products.setdefault(item.id, item)
        else:
            products[item.id] = item
    rows = []
    for ext_id, item in products.items():
        section_id = state.section_for(item.group_ids)
        state.sections.add(section_id)
        state.seen_products.add(ext_id)
        requisites = item.requisites
        rows.append(
            Product(
                ext_id=ext_id,
                name=(item.name or requisites.get("Полное наименование") or ext_id)[:500],
                article=(item.article or "")[:100],
                erp_code=(requisites.get("Код") or "")[:50],
                description=item.description or "",
                section_id=section_id,
                brand_id=state.brand_for(item.brand or item.manufacturer),
                unit=((item.unit.name if item.unit else None) or "шт")[:20],
                vat_rate=item.vat_rate,
                weight_kg=_decimal(requisites.get("Вес")),
                is_active=not item.deleted,
            )
        )
    saved = upsert(
        Product,
        rows,
        fields=[
            "name",
            "article",
            "erp_code",
            "description",
            "section",
            "brand",
            "unit",
            "vat_rate",
            "weight_kg",
            "is_active",
        ],
    )
    product_ids = {product.ext_id: product.pk for product in saved}
    counts["products"] += len(saved)

    variants: dict[str, Variant] = {}
    # Products whose characteristics are known (from this batch or an earlier offers file) are
    # not ordered as their bare selves: no default variant for them.
    with_characteristics = {item.id for item in variant_items} | set(
        Variant.objects.filter(
            product_id__in=product_ids.values(), ext_id__contains="#"
        ).values_list("product__ext_id", flat=True)
    )
    for ext_id, item in products.items():
        if ext_id not in with_characteristics:
            variants[ext_id] = Variant(
                ext_id=ext_id, product_id=product_ids[ext_id], is_active=not item.deleted
            )
    for item in variant_items:
        colour, size, characteristics = _split_characteristics(item.characteristics)
        variants[f"{item.id}#{item.variant_id}"] = Variant(
            ext_id=f"{item.id}#{item.variant_id}",
            product_id=product_ids[item.id],
            name=", ".join(v for _n, v in item.characteristics)[:300] or (item.name or "")[:300],
            color=colour,
            size=size,
            characteristics=characteristics,
            is_active=not item.deleted,
        )
    saved_variants = upsert(
        Variant,
        list(variants.values()),
        fields=[
            "product",
            "name",
            "color",
            "size",
            "characteristics",
            "is_active",
        ],
    )
    variant_ids = {variant.ext_id: variant.pk for variant in saved_variants}
    counts["variants"] += len(saved_variants)

    barcodes = []
    for item in items:
        key = f"{item.id}#{item.variant_id}" if item.variant_id else item.id
        if item.barcode and item.barcode.strip() and key in variant_ids:
            barcodes.append(Barcode(variant_id=variant_ids[key], code=item.barcode.strip()[:64]))
    Barcode.objects.bulk_create(barcodes, batch_size=BATCH, ignore_conflicts=True)
    _properties_apply(products, product_ids, state, counts)
    _images_apply(products, product_ids, files_dir, counts)
    product_search_text_refresh(product_ids.values())


def _properties_apply(products, product_ids, state: _ImportState, counts: Counter) -> None:
    """A product that lists its property values gets exactly those (the old ones are replaced)."""
    listed = [ext_id for ext_id, item in products.items() if item.properties]
    if not listed:
        return
    missing = {
        pid
        for ext_id in listed
        for pid in products[ext_id].properties
        if pid not in state.property_ids
    }
    if missing:
        upsert(Property, [Property(ext_id=pid, name=pid[:200]) for pid in missing], fields=["name"])
        state.property_ids.update(
            Property.objects.filter(ext_id__in=missing).values_list("ext_id", "pk")
        )
    ProductProperty.objects.filter(product_id__in=[product_ids[e] for e in listed]).delete()
    rows = {
        (product_ids[ext_id], state.property_ids[pid], value.strip()[:500])
        for ext_id in listed
        for pid, values in products[ext_id].properties.items()
        for value in values
        if value and value.strip()
    }
    ProductProperty.objects.bulk_create(
        [ProductProperty(product_id=p, property_id=prop, value=v) for p, prop, v in rows],
        batch_size=BATCH,
    )
    counts["property_values"] += len(rows)


def _images_apply(products, product_ids, files_dir: Path, counts: Counter) -> None:
    """Store the pictures 1C sent; an unchanged picture (same SHA-256) is not stored again."""
    wanted = {
        product_ids[ext_id]: [image.path for image in item.images]
        for ext_id, item in products.items()
        if item.images
    }
    if not wanted:
        return
    known = set(
        ProductImage.objects.filter(product_id__in=wanted).values_list("product_id", "sha256")
    )
    for product_id, paths in wanted.items():
        for sort, relative in enumerate(paths):
            source = (files_dir / relative).resolve()
            if not source.is_file() or files_dir.resolve() not in source.parents:
                counts["images_missing"] += 1
                continue
            data = source.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if (product_id, digest) in known:
                counts["images_unchanged"] += 1
                continue
            image = ProductImage(product_id=product_id, sha256=digest, sort=sort)
            image.file.save(source.name, ContentFile(data), save=True)
            known.add((product_id, digest))
            counts["images"] += 1


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.replace(",", ".").strip()) if value else None
    except ArithmeticError:
        return None
