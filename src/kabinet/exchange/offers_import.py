"""Offer packages from 1C (offers, prices, rests files) into prices and stock.

A changes-only package touches only what it lists and never zeroes a price or stock it omits;
None in a parsed offer means "not in this file" and is never read as zero. A full package sets
the stock of the warehouses it names for each listed offer (omitted ones become 0). A total of
0 with no warehouse rows zeroes every warehouse of the offer (УТ 11 leaves empty ones out).

Prices and stock are written with one upsert per table and batch that changes only rows whose
value differs (`upserts.rows_upsert`), so the `…_changed` counts say what really changed.
"""

from collections import Counter
from contextlib import closing
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from kabinet.catalog.models import Product, Variant
from kabinet.catalog.services import product_search_text_refresh
from kabinet.exchange.catalog_import import (
    BATCH,
    ID_CHUNK,
    CatalogState,
    classifier_apply,
    price_types_apply,
    warehouses_apply,
)
from kabinet.exchange.catalog_products import VARIANT_FIELDS, products_apply, split_characteristics
from kabinet.exchange.classifiers import classifier_remember
from kabinet.exchange.commerceml import model as cml
from kabinet.exchange.commerceml import read_offers
from kabinet.exchange.counts import EXAMPLES
from kabinet.exchange.prefetch import batches_ahead
from kabinet.exchange.upserts import ids_by_ext_id, rows_upsert, server_cursor
from kabinet.pricing.models import Price, PriceType, Stock, Warehouse

TOTAL_WAREHOUSE = "__kabinet_total__"
# Service properties of the 1C-Bitrix add-on (active flag, sort order, texts): not product data.
BITRIX_SERVICE_PREFIX = "CML2_"


def offers_import(
    path: Path, *, classifier: cml.Classifier | None, files_dir: Path | None = None
) -> dict:
    counts: Counter = Counter()
    with read_offers(path, classifier=classifier) as offers:
        package = offers.package
        if offers.classifier is not None and offers.classifier.groups:
            # The 1C-Bitrix add-on for УТ 10 sends its groups and products in a
            # ПакетПредложений: the whole classifier is the catalog's.
            classifier_apply(offers.classifier, counts)
        elif offers.classifier is not None:
            price_types_apply(offers.classifier.price_types, counts)
            warehouses_apply(offers.classifier.warehouses, counts)
        if package is not None:
            price_types_apply(package.price_types, counts)
            warehouses_apply(package.warehouses, counts)
        full = package is not None and not package.only_changes and not package.changes_package
        state = _OffersState(files_dir or path.parent)
        # Closed explicitly: the reader thread must stop before the file is.
        with closing(batches_ahead(offers, BATCH)) as batches:
            for batch in batches:
                _described_products_apply(batch, state, counts)
                _offers_apply(batch, state, counts, full=full)
        _bare_variants_deactivate(state.characterised)
    classifier_remember(path, offers.classifier)
    not_mapped = PriceType.objects.filter(pk__in=state.used_price_types, agreements__isnull=True)
    if ext_ids := sorted(not_mapped.values_list("ext_id", flat=True)):
        # Prices no agreement reads yet: the exchange log shows them until staff map them.
        counts["price_types_not_mapped"] = ext_ids
    return dict(counts)


def _described_products_apply(batch: list[cml.Offer], state: "_OffersState", counts: Counter):
    """Offers that describe a product (filed in groups: the 1C-Bitrix add-on for УТ 10 sends
    its products so) are imported as the catalog's products, before their prices and stock."""
    described = [offer for offer in batch if offer.group_ids and not offer.variant_id]
    if described:
        if state.catalog is None:
            state.catalog = CatalogState(state.files_dir)
        products_apply([_as_product(offer) for offer in described], state.catalog, counts)


def _as_product(offer: cml.Offer) -> cml.Product:
    properties = {
        key: values
        for key, values in offer.properties.items()
        if not key.startswith(BITRIX_SERVICE_PREFIX)
    }
    inactive = offer.properties.get(f"{BITRIX_SERVICE_PREFIX}ACTIVE") == ("false",)
    return cml.Product(
        xml_id=offer.xml_id,
        id=offer.product_id,
        variant_id=None,
        article=offer.article,
        name=offer.name,
        group_ids=offer.group_ids,
        properties=properties,
        barcode=offer.barcode,
        deleted=offer.deleted or inactive,
        unit=offer.unit,
    )


class _OffersState:
    """Price types and warehouses by 1C id, read once per file."""

    def __init__(self, files_dir: Path) -> None:
        self.files_dir = files_dir
        self.catalog: CatalogState | None = None  # products described by offers, if any
        self.price_types = dict(PriceType.objects.values_list("ext_id", "pk"))
        self.warehouses = dict(Warehouse.objects.values_list("ext_id", "pk"))
        self.used_price_types: set[int] = set()
        self.characterised: set[int] = set()  # products that got characteristic variants

    def price_type(self, ext_id: str, counts: Counter) -> int:
        if ext_id not in self.price_types:
            # Stored and reported, never silently dropped: staff see it in the log.
            price_type, _ = PriceType.objects.get_or_create(
                ext_id=ext_id, defaults={"name": ext_id[:200]}
            )
            self.price_types[ext_id] = price_type.pk
            counts["price_types_unknown"] += 1
        pk = self.price_types[ext_id]
        self.used_price_types.add(pk)
        return pk

    def warehouse(self, ext_id: str) -> int:
        if ext_id not in self.warehouses:
            warehouse, _ = Warehouse.objects.get_or_create(
                ext_id=ext_id, defaults={"name": ext_id[:200]}
            )
            self.warehouses[ext_id] = warehouse.pk
        return self.warehouses[ext_id]

    def total_warehouse(self) -> int:
        if TOTAL_WAREHOUSE not in self.warehouses:
            warehouse, _ = Warehouse.objects.get_or_create(
                ext_id=TOTAL_WAREHOUSE, defaults={"name": "Склад"}
            )
            self.warehouses[TOTAL_WAREHOUSE] = warehouse.pk
        return self.warehouses[TOTAL_WAREHOUSE]


def _variant_key(offer: cml.Offer) -> str:
    return f"{offer.product_id}#{offer.variant_id}" if offer.variant_id else offer.product_id


def _offers_apply(batch: list[cml.Offer], state: _OffersState, counts: Counter, *, full: bool):
    variant_ids = ids_by_ext_id(Variant, {_variant_key(offer) for offer in batch})
    missing = [offer for offer in batch if _variant_key(offer) not in variant_ids]
    if missing:
        variant_ids.update(_variants_create(missing, state, counts))

    deactivate = [
        variant_ids[_variant_key(o)] for o in batch if o.deleted and _variant_key(o) in variant_ids
    ]
    if deactivate:
        Variant.objects.filter(pk__in=deactivate).update(is_active=False)
        counts["variants_deactivated"] += len(deactivate)
    if reactivated := _variants_reactivate(batch, variant_ids):
        counts["variants_reactivated"] += reactivated

    prices: dict[tuple[int, int], Decimal] = {}
    stock: dict[tuple[int, int], Decimal] = {}
    listed_stock: set[int] = set()  # full package: their unlisted warehouses become 0
    zero_all: list[int] = []
    for offer in batch:
        variant_id = variant_ids.get(_variant_key(offer))
        if variant_id is None:
            continue
        for price in offer.prices or ():
            price_type_id = state.price_type(price.price_type_id, counts)
            prices[(variant_id, price_type_id)] = price.amount
        if offer.stock:
            for warehouse_ext_id, quantity in offer.stock.items():
                stock[(variant_id, state.warehouse(warehouse_ext_id))] = quantity
            if full:
                listed_stock.add(variant_id)
        elif offer.quantity == 0:
            # "None left" without warehouse rows (УТ 11 leaves out the empty warehouses): zero in
            # every warehouse, with no made-up warehouse row for it.
            zero_all.append(variant_id)
        elif offer.quantity is not None:
            # Only a total: it is the stock of the one "total" warehouse.
            stock[(variant_id, state.total_warehouse())] = offer.quantity
    changed = rows_upsert(
        Price,
        ("variant_id", "price_type_id", "amount"),
        [(*key, amount) for key, amount in prices.items()],
        unique=("variant_id", "price_type_id"),
        update=("amount",),
        returning=("id",),
    )
    counts["prices_changed"] += len(changed)
    counts["prices_unchanged"] += len(prices) - len(changed)
    changed = rows_upsert(
        Stock,
        ("variant_id", "warehouse_id", "quantity"),
        [(*key, quantity) for key, quantity in stock.items()],
        unique=("variant_id", "warehouse_id"),
        update=("quantity",),
        returning=("id",),
    )
    counts["stock_changed"] += len(changed)
    counts["stock_unchanged"] += len(stock) - len(changed)
    counts["stock_changed"] += _stock_zero(listed_stock, stock, zero_all)
    counts["offers"] += len(batch)
    counts["prices"] += len(prices)
    counts["stock"] += len(stock)


def _variants_create(offers: list[cml.Offer], state: _OffersState, counts: Counter):
    """Variants first met in an offers file (УТ 11 sends characteristics only there)."""
    products = ids_by_ext_id(Product, {o.product_id for o in offers})
    new: dict[str, tuple] = {}
    for offer in offers:
        product_id = products.get(offer.product_id)
        if product_id is None:
            counts["offers_unknown_product"] += 1
            examples = counts.get("offers_unknown_product_ids") or []
            if len(examples) < EXAMPLES and offer.product_id not in examples:
                counts["offers_unknown_product_ids"] = [*examples, offer.product_id]
            continue
        colour, size, characteristics = split_characteristics(offer.characteristics)
        name = (", ".join(v for _n, v in offer.characteristics) or offer.name or "")[:300]
        key = _variant_key(offer)
        new[key] = (key, product_id, name, colour, size, characteristics, not offer.deleted)
        if offer.variant_id:
            state.characterised.add(product_id)
    saved = rows_upsert(
        Variant,
        VARIANT_FIELDS,
        list(new.values()),
        unique=("ext_id",),
        update=VARIANT_FIELDS[2:],
        returning=("ext_id", "id"),
    )
    counts["variants_created"] += len(saved)
    # the products' search texts hold their variants' characteristic values ("5 мл")
    product_search_text_refresh({row[1] for row in new.values() if row[5]})
    return dict(saved)


def _variants_reactivate(batch: list[cml.Offer], variant_ids: dict[str, int]) -> int:
    """Variants a deletion mark deactivated come back once 1C sends them without the mark;
    returns how many. The bare variant of a product that has characteristics stays inactive:
    that product is ordered by its characteristics (`_bare_variants_deactivate`)."""
    listed = [
        variant_ids[key]
        for offer in batch
        if not offer.deleted and (key := _variant_key(offer)) in variant_ids
    ]
    if not listed:
        return 0
    characterised = Variant.objects.filter(product_id=OuterRef("product_id"), ext_id__contains="#")
    return (
        Variant.objects.filter(pk__in=listed, is_active=False)
        .filter(Q(ext_id__contains="#") | ~Exists(characterised))
        .update(is_active=True)
    )


def _bare_variants_deactivate(product_ids: set[int]) -> None:
    """A product that has characteristic variants is not ordered as its bare self."""
    ids = sorted(product_ids)
    for start in range(0, len(ids), ID_CHUNK):
        Variant.objects.filter(
            product_id__in=ids[start : start + ID_CHUNK], is_active=True
        ).exclude(ext_id__contains="#").update(is_active=False)


def _stock_zero(listed: set[int], stock: dict[tuple[int, int], Decimal], zero_all: list[int]):
    """Zero the stock of the `zero_all` variants, and that of the `listed` ones (a full
    package) in the warehouses the package did not name for them; returns the rows changed."""
    changed = 0
    if zero_all:
        changed += (
            Stock.objects.filter(variant_id__in=zero_all).exclude(quantity=0).update(quantity=0)
        )
    if not listed:
        return changed
    if connection.vendor == "postgresql":
        # One statement, nothing sent back: the batch's rows were just written, so only the
        # warehouses it left out can still hold a quantity.
        kept = [key for key in stock if key[0] in listed]
        with server_cursor() as cursor:
            cursor.execute(
                "UPDATE pricing_stock AS s SET quantity = 0 WHERE s.variant_id = ANY(%b)"
                " AND s.quantity <> 0 AND NOT EXISTS (SELECT 1 FROM unnest(%b::bigint[],"
                " %b::bigint[]) AS k(v, w) WHERE k.v = s.variant_id AND k.w = s.warehouse_id)",
                [sorted(listed), [v for v, _w in kept], [w for _v, w in kept]],
            )
            return changed + cursor.rowcount
    zero = [
        pk
        for pk, variant, warehouse in Stock.objects.filter(variant_id__in=listed)
        .exclude(quantity=0)
        .values_list("pk", "variant_id", "warehouse_id")
        if (variant, warehouse) not in stock
    ]
    return changed + Stock.objects.filter(pk__in=zero).update(quantity=0)
