"""One batch of a catalog file into products, variants, barcodes, property values and images.

Each table is written with one multi-row upsert per batch (`upserts.rows_upsert`) that changes
a row only when a value differs, plus one read per table for what the batch needs to know
(ids of unchanged rows, existing barcodes and property values), never a query per product.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile

from kabinet.catalog.models import (
    Barcode,
    Product,
    ProductImage,
    ProductProperty,
    Property,
    Variant,
)
from kabinet.catalog.search import product_search_text, search_normalize
from kabinet.exchange.commerceml import model as cml
from kabinet.exchange.upserts import ids_by_ext_id, rows_upsert

COLOUR_NAMES = {"цвет", "color", "colour"}
SIZE_NAMES = {"размер", "size", "рост"}
PRODUCT_FIELDS = (
    "ext_id",
    "name",
    "article",
    "erp_code",
    "description",
    "section_id",
    "brand_id",
    "unit",
    "vat_rate",
    "weight_kg",
    "is_active",
    "search_text",
    "article_key",
    "erp_code_key",
)
VARIANT_FIELDS = ("ext_id", "product_id", "name", "color", "size", "characteristics", "is_active")


def split_characteristics(pairs) -> tuple[str, str, dict]:
    colour = size = ""
    for name, value in pairs:
        key = (name or "").strip().lower()
        if key in COLOUR_NAMES and not colour:
            colour = value
        elif key in SIZE_NAMES and not size:
            size = value
    return colour[:100], size[:100], dict(pairs)


def ids_upsert(
    model, fields, rows, *, counts: Counter, label: str, counted=lambda ext_id: True
) -> dict[str, int]:
    """Upsert rows keyed by ext_id (first field); {ext_id: pk} of all of them.

    Counts, for the rows whose ext_id is `counted`: `<label>` (listed), `<label>_created`,
    `<label>_updated` (a value differed), `<label>_unchanged` — the same figures every time
    the same file comes, whatever the database held before.
    """
    ids = ids_by_ext_id(model, [row[0] for row in rows])
    existing = set(ids)
    changed = rows_upsert(
        model,
        fields,
        rows,
        unique=("ext_id",),
        update=fields[1:],
        touch=("updated_at",) if model is Product else (),
        returning=("ext_id", "id"),
    )
    ids.update(changed)
    listed = sum(1 for row in rows if counted(row[0]))
    if not listed:
        return ids
    created = sum(1 for ext_id, _pk in changed if ext_id not in existing and counted(ext_id))
    updated = sum(1 for ext_id, _pk in changed if ext_id in existing and counted(ext_id))
    counts[label] += listed
    counts[f"{label}_created"] += created
    counts[f"{label}_updated"] += updated
    counts[f"{label}_unchanged"] += listed - created - updated
    return ids


def products_apply(items: list[cml.Product], state, counts: Counter) -> None:
    """A Товар with Ид "p#c" (CommerceML 2.04) is a variant of product p; the product itself
    may or may not come as its own Товар."""
    products: dict[str, cml.Product] = {}
    variant_items = []
    for item in items:
        if item.variant_id:
            variant_items.append(item)
            products.setdefault(item.id, item)
        else:
            products[item.id] = item
    with_characteristics = _with_characteristics(products, variant_items)
    written = {key for key in products if key not in with_characteristics} | {
        f"{item.id}#{item.variant_id}" for item in variant_items
    }
    new_barcodes = {pair for pair in _item_barcodes(items) if pair[0] in written}
    barcodes = _barcodes(products, new_barcodes)
    characteristics = _characteristics(products, variant_items)
    rows = []
    for ext_id, item in products.items():
        section_id = state.section_for(item.group_ids)
        state.sections.add(section_id)
        state.seen_products.add(ext_id)
        rows.append(
            _product_row(
                ext_id,
                item,
                section_id,
                state,
                barcodes.get(ext_id, ()),
                characteristics.get(ext_id, ()),
            )
        )
    product_ids = ids_upsert(Product, PRODUCT_FIELDS, rows, counts=counts, label="products")

    variant_ids = _variants_apply(
        products, variant_items, product_ids, with_characteristics, counts
    )
    rows_upsert(
        Barcode,
        ("variant_id", "code"),
        [(variant_ids[key], code) for key, code in new_barcodes],
        unique=("variant_id", "code"),
    )
    _properties_apply(products, product_ids, state, counts)
    _images_apply(products, product_ids, state.files_root, counts)


def _product_row(ext_id, item: cml.Product, section_id, state, barcodes, characteristics) -> tuple:
    requisites = item.requisites
    name = (item.name or requisites.get("Полное наименование") or ext_id)[:500]
    article = (item.article or "")[:100]
    erp_code = (requisites.get("Код") or "")[:50]
    # The columns catalog.services.product_search_text_refresh would write, written right away:
    # refreshing them afterwards would read every product of the package back.
    search_text = product_search_text(
        name=name,
        article=article,
        erp_code=erp_code,
        ext_id=ext_id,
        barcodes=barcodes,
        characteristics=characteristics,
    )
    return (
        ext_id,
        name,
        article,
        erp_code,
        item.description or "",
        section_id,
        state.brand_for(item.brand or item.manufacturer),
        ((item.unit.name if item.unit else None) or "шт")[:20],
        item.vat_rate,
        _decimal(requisites.get("Вес")),
        not item.deleted,
        search_text,
        search_normalize(article),
        search_normalize(erp_code),
    )


def _item_barcodes(items) -> set[tuple[str, str]]:
    return {
        (f"{item.id}#{item.variant_id}" if item.variant_id else item.id, item.barcode.strip()[:64])
        for item in items
        if item.barcode and item.barcode.strip()
    }


def _barcodes(products, new_barcodes) -> dict[str, list[str]]:
    """Every barcode each product's variants will have (stored ones and this batch's)."""
    pairs = set(
        Barcode.objects.filter(variant__product__ext_id__in=list(products)).values_list(
            "variant__product__ext_id", "variant__ext_id", "code"
        )
    )
    pairs |= {(key.split("#")[0], key, code) for key, code in new_barcodes}
    found: dict[str, list[str]] = {}
    for product, _variant, code in pairs:
        found.setdefault(product, []).append(code)
    return found


def _characteristics(products, variant_items) -> dict[str, list[dict]]:
    """The characteristics of every variant each product will have (stored and this batch's,
    the batch's winning), for its search text."""
    by_variant = {
        (product, variant): values
        for product, variant, values in Variant.objects.filter(
            product__ext_id__in=list(products)
        ).values_list("product__ext_id", "ext_id", "characteristics")
    }
    for item in variant_items:
        key = f"{item.id}#{item.variant_id}"
        by_variant[(item.id, key)] = split_characteristics(item.characteristics)[2]
    found: dict[str, list[dict]] = {}
    for (product, _variant), values in by_variant.items():
        found.setdefault(product, []).append(values)
    return found


def _with_characteristics(products, variant_items) -> set[str]:
    """Products whose characteristics are known (from this batch or an earlier offers file):
    they are not ordered as their bare selves, so they get no default variant."""
    return {item.id for item in variant_items} | set(
        Variant.objects.filter(product__ext_id__in=list(products), ext_id__contains="#")
        .values_list("product__ext_id", flat=True)
        .distinct()
    )


def _variants_apply(
    products, variant_items, product_ids, with_characteristics, counts: Counter
) -> dict[str, int]:
    rows = {
        ext_id: (ext_id, product_ids[ext_id], "", "", "", {}, not item.deleted)
        for ext_id, item in products.items()
        if ext_id not in with_characteristics
    }
    for item in variant_items:
        key = f"{item.id}#{item.variant_id}"
        colour, size, characteristics = split_characteristics(item.characteristics)
        name = ", ".join(v for _n, v in item.characteristics)[:300] or (item.name or "")[:300]
        rows[key] = (
            key,
            product_ids[item.id],
            name,
            colour,
            size,
            characteristics,
            not item.deleted,
        )
    # Counted: the characteristics the file lists. A product's own default variant is not: it
    # is written only while the product has no characteristics, so counting it would make the
    # same file report other figures once an offers file brought characteristics.
    return ids_upsert(
        Variant,
        VARIANT_FIELDS,
        list(rows.values()),
        counts=counts,
        label="variants",
        counted=lambda ext_id: "#" in ext_id,
    )


def _properties_apply(products, product_ids, state, counts: Counter) -> None:
    """A product that lists its property values gets exactly those: the missing ones are
    added, the ones it no longer lists removed, the others left alone."""
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
        rows_upsert(
            Property, ("ext_id", "name"), [(pid, pid[:200]) for pid in missing], unique=("ext_id",)
        )
        state.property_ids.update(
            Property.objects.filter(ext_id__in=missing).values_list("ext_id", "pk")
        )
    wanted = {
        (product_ids[ext_id], state.property_ids[pid], value.strip()[:500])
        for ext_id in listed
        for pid, values in products[ext_id].properties.items()
        for value in values
        if value and value.strip()
    }
    stored = {
        (product, prop, value): pk
        for pk, product, prop, value in ProductProperty.objects.filter(
            product_id__in=[product_ids[e] for e in listed]
        ).values_list("pk", "product_id", "property_id", "value")
    }
    gone = [pk for row, pk in stored.items() if row not in wanted]
    if gone:
        ProductProperty.objects.filter(pk__in=gone).delete()
    rows_upsert(
        ProductProperty,
        ("product_id", "property_id", "value"),
        [row for row in wanted if row not in stored],
        unique=("product_id", "property_id", "value"),
    )
    counts["property_values"] += len(wanted)


def _images_apply(products, product_ids, files_root: Path, counts: Counter) -> None:
    """Store the pictures 1C sent; an unchanged picture (same SHA-256) is not stored again.

    Most catalogs name pictures on every product and send them only now and then: checking
    for the file is plain os.path work, no Path objects for the 200,000 that are not there.
    """
    root = os.fspath(files_root)
    present: dict[int, list[tuple[int, str]]] = {}
    for ext_id, item in products.items():
        for sort, image in enumerate(item.images):
            source = os.path.join(root, image.path)
            if os.path.isfile(source):
                present.setdefault(product_ids[ext_id], []).append((sort, source))
            else:
                counts["images_missing"] += 1
    if not present:
        return
    known = set(
        ProductImage.objects.filter(product_id__in=present).values_list("product_id", "sha256")
    )
    for product_id, sources in present.items():
        for sort, source in sources:
            if files_root not in Path(source).resolve().parents:
                counts["images_missing"] += 1
                continue
            data = Path(source).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if (product_id, digest) in known:
                counts["images_unchanged"] += 1
                continue
            image = ProductImage(product_id=product_id, sha256=digest, sort=sort)
            image.file.save(os.path.basename(source), ContentFile(data), save=True)
            known.add((product_id, digest))
            counts["images"] += 1


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.replace(",", ".").strip()) if value else None
    except ArithmeticError:
        return None
