"""Offer packages from 1C (offers, prices, rests files) into prices and stock.

A changes-only package touches only what it lists and never zeroes a price or stock it omits;
None in a parsed offer means "not in this file" and is never read as zero. A full package sets
the stock of the warehouses it names for each listed offer (omitted ones become 0).
"""

import itertools
from collections import Counter
from pathlib import Path

from kabinet.catalog.models import Product, Variant
from kabinet.exchange.catalog_import import (
    BATCH,
    _split_characteristics,
    price_types_apply,
    upsert,
    warehouses_apply,
)
from kabinet.exchange.commerceml import model as cml
from kabinet.exchange.commerceml import read_offers
from kabinet.pricing.models import Price, PriceType, Stock, Warehouse

TOTAL_WAREHOUSE = "__kabinet_total__"


def offers_import(path: Path, *, classifier: cml.Classifier | None) -> dict:
    counts: Counter = Counter()
    with read_offers(path, classifier=classifier) as offers:
        package = offers.package
        if offers.classifier is not None:
            price_types_apply(offers.classifier.price_types, counts)
            warehouses_apply(offers.classifier.warehouses, counts)
        if package is not None:
            price_types_apply(package.price_types, counts)
            warehouses_apply(package.warehouses, counts)
        full = package is not None and not package.only_changes and not package.changes_package
        state = _OffersState()
        while batch := list(itertools.islice(offers, BATCH)):
            _offers_apply(batch, state, counts, full=full)
    return dict(counts)


class _OffersState:
    def __init__(self) -> None:
        self.price_types = dict(PriceType.objects.values_list("ext_id", "pk"))
        self.warehouses = dict(Warehouse.objects.values_list("ext_id", "pk"))

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
    keys = {_variant_key(offer) for offer in batch}
    variant_ids = dict(Variant.objects.filter(ext_id__in=keys).values_list("ext_id", "pk"))
    missing = [offer for offer in batch if _variant_key(offer) not in variant_ids]
    if missing:
        variant_ids.update(_variants_create(missing, counts))

    deactivate = [
        variant_ids[_variant_key(o)] for o in batch if o.deleted and _variant_key(o) in variant_ids
    ]
    if deactivate:
        Variant.objects.filter(pk__in=deactivate).update(is_active=False)
        counts["variants_deactivated"] += len(deactivate)

    prices: dict[tuple[int, int], Price] = {}
    stock: dict[tuple[int, int], Stock] = {}
    zero_others: dict[int, set[int]] = {}
    for offer in batch:
        variant_id = variant_ids.get(_variant_key(offer))
        if variant_id is None:
            continue
        for price in offer.prices or ():
            price_type_id = state.price_types.get(price.price_type_id)
            if price_type_id is None:
                # Stored and reported, never silently dropped: staff see it in the log.
                PriceType.objects.get_or_create(
                    ext_id=price.price_type_id,
                    defaults={"name": price.price_type_id[:200]},
                )
                state.price_types = dict(PriceType.objects.values_list("ext_id", "pk"))
                price_type_id = state.price_types[price.price_type_id]
                counts["price_types_unknown"] += 1
            prices[(variant_id, price_type_id)] = Price(
                variant_id=variant_id, price_type_id=price_type_id, amount=price.amount
            )
        if offer.stock:
            for warehouse_ext_id, quantity in offer.stock.items():
                warehouse_id = state.warehouses.get(warehouse_ext_id)
                if warehouse_id is None:
                    warehouse_id = Warehouse.objects.get_or_create(
                        ext_id=warehouse_ext_id, defaults={"name": warehouse_ext_id[:200]}
                    )[0].pk
                    state.warehouses[warehouse_ext_id] = warehouse_id
                stock[(variant_id, warehouse_id)] = Stock(
                    variant_id=variant_id, warehouse_id=warehouse_id, quantity=quantity
                )
            if full:
                zero_others[variant_id] = {w for (v, w) in stock if v == variant_id}
        elif offer.quantity is not None:
            # Only a total: it is the stock of the one "total" warehouse.
            warehouse_id = state.total_warehouse()
            stock[(variant_id, warehouse_id)] = Stock(
                variant_id=variant_id, warehouse_id=warehouse_id, quantity=offer.quantity
            )
    Price.objects.bulk_create(
        list(prices.values()),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["variant", "price_type"],
        update_fields=["amount"],
    )
    Stock.objects.bulk_create(
        list(stock.values()),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["variant", "warehouse"],
        update_fields=["quantity"],
    )
    for variant_id, kept in zero_others.items():
        Stock.objects.filter(variant_id=variant_id).exclude(warehouse_id__in=kept).update(
            quantity=0
        )
    counts["offers"] += len(batch)
    counts["prices"] += len(prices)
    counts["stock"] += len(stock)


def _variants_create(offers: list[cml.Offer], counts: Counter) -> dict[str, int]:
    """Variants first met in an offers file (УТ 11 sends characteristics only there)."""
    products = dict(
        Product.objects.filter(ext_id__in={o.product_id for o in offers}).values_list(
            "ext_id", "pk"
        )
    )
    new: dict[str, Variant] = {}
    for offer in offers:
        product_id = products.get(offer.product_id)
        if product_id is None:
            counts["offers_unknown_product"] += 1
            continue
        colour, size, characteristics = _split_characteristics(offer.characteristics)
        new[_variant_key(offer)] = Variant(
            ext_id=_variant_key(offer),
            product_id=product_id,
            name=(", ".join(v for _n, v in offer.characteristics) or offer.name or "")[:300],
            color=colour,
            size=size,
            characteristics=characteristics,
            is_active=not offer.deleted,
        )
    saved = upsert(
        Variant,
        list(new.values()),
        fields=[
            "name",
            "color",
            "size",
            "characteristics",
            "is_active",
        ],
    )
    # A product that has characteristic variants is not ordered as its bare self.
    with_characteristics = {v.product_id for v in saved if "#" in v.ext_id}
    Variant.objects.filter(product_id__in=with_characteristics).exclude(
        ext_id__contains="#"
    ).update(is_active=False)
    counts["variants_created"] += len(saved)
    return {variant.ext_id: variant.pk for variant in saved}
