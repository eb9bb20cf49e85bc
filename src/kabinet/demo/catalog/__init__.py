"""The demo supplier's catalog: ~150 sections, 25 brands, ~5,000 SKUs with prices and stock.

`plan.catalog_plan()` makes the catalog in memory; `catalog_tables()` turns a plan into rows
per table with ids chosen up front; `catalog_generate()` writes them with bulk inserts (a few
statements per table) and bench/generate_l.py with PostgreSQL COPY at 100,000 SKUs.

Gloves come in sizes × colours, gowns and suits in sizes 42–62 × colours, catheters in Fr
sizes, syringes in volumes; most other products have one variant. Every SKU has a price in
every price type (the first type is the base, the others `price_factor` below it) and stock at
each warehouse, some of it zero. Some products get pictures and document PDFs (`files.py`).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kabinet.accounts.models import Agreement, Partner
from kabinet.catalog.models import (
    Barcode,
    Brand,
    Product,
    ProductDocument,
    ProductProperty,
    Property,
    Section,
    Variant,
)
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.core.money import money
from kabinet.demo.bulk import Table, last_id, sequences_reset, tables_insert
from kabinet.demo.catalog.files import catalog_files_write
from kabinet.demo.catalog.plan import (
    FILTER_PROPERTIES,
    LIMITED_ASSORTMENTS,
    PROPERTIES,
    WAREHOUSES,
    CatalogPlan,
    catalog_plan,
    ean13,
    price_factor,
    stock_quantities,
    uuid_from,
)
from kabinet.pricing.models import (
    AssortmentRule,
    PartnerPrice,
    Price,
    PriceType,
    Stock,
    Warehouse,
)

__all__ = [
    "ID_MODELS",
    "CatalogPlan",
    "CatalogResult",
    "catalog_generate",
    "catalog_plan",
    "catalog_tables",
    "ean13",
    "price_factor",
    "warehouses_ensure",
]

# Tables whose rows get their ids from the generator (others point at them).
ID_MODELS = [Section, Brand, Property, Product, Variant]


@dataclass
class CatalogResult:
    sections: int = 0
    products: int = 0
    variants: int = 0
    prices: int = 0
    stock: int = 0
    partner_prices: int = 0
    assortment_rules: int = 0
    pictures: int = 0
    document_files: int = 0


def catalog_tables(
    plan: CatalogPlan,
    *,
    after: dict,
    price_type_ids: list[int],
    warehouse_ids: list[int],
    rng: random.Random,
) -> list[Table]:
    """Rows of every catalog table; ids of ID_MODELS are numbered from `after[model]` + 1.

    Prices and stock are generators, so 100,000 SKUs × 20 price types never sit in memory.
    """
    section0, brand0, property0, product0, variant0 = (after[model] for model in ID_MODELS)
    sections = [
        (
            section0 + i + 1,
            s.ext_id,
            s.name,
            s.sort,
            None if s.parent is None else section0 + s.parent + 1,
        )
        for i, s in enumerate(plan.sections)
    ]
    products, variants, properties, documents, barcodes = [], [], [], [], []
    for i, p in enumerate(plan.products):
        product_id = product0 + i + 1
        products.append(
            (
                product_id,
                p.ext_id,
                section0 + p.section + 1,
                brand0 + p.brand + 1,
                p.article,
                p.erp_code,
                p.name,
                p.description,
                p.unit,
                p.fractional,
                p.vat_rate,
                p.order_multiple,
                p.min_quantity,
            )
        )
        properties += [(product_id, property0 + k + 1, value) for k, value in p.properties]
        documents += [(product_id, d.kind, d.title, d.number, d.valid_until) for d in p.documents]
        for v in p.variants:
            variant0 += 1
            variants.append(
                (variant0, v.ext_id, product_id, v.name, v.color, v.size, v.characteristics, v.sort)
            )
            barcodes.append((variant0, v.barcode))
    return [
        (Section, ["id", "ext_id", "name", "sort", "parent_id"], sections),
        (
            Brand,
            ["id", "ext_id", "name"],
            [(brand0 + i + 1, uuid_from(rng), b[0]) for i, b in enumerate(plan.brands)],
        ),
        (
            Property,
            ["id", "ext_id", "name", "is_filter", "sort"],
            [
                (property0 + i + 1, uuid_from(rng), name, name in FILTER_PROPERTIES, 10 * i)
                for i, name in enumerate(PROPERTIES)
            ],
        ),
        (
            Product,
            [
                "id",
                "ext_id",
                "section_id",
                "brand_id",
                "article",
                "erp_code",
                "name",
                "description",
                "unit",
                "fractional",
                "vat_rate",
                "order_multiple",
                "min_quantity",
            ],
            products,
        ),
        (ProductProperty, ["product_id", "property_id", "value"], properties),
        (ProductDocument, ["product_id", "kind", "title", "number", "valid_until"], documents),
        (
            Variant,
            ["id", "ext_id", "product_id", "name", "color", "size", "characteristics", "sort"],
            variants,
        ),
        (Barcode, ["variant_id", "code"], barcodes),
        (
            Price,
            ["variant_id", "price_type_id", "amount"],
            _price_rows(plan, after[Variant], price_type_ids),
        ),
        (
            Stock,
            ["variant_id", "warehouse_id", "quantity"],
            _stock_rows(plan, after[Variant], warehouse_ids, rng),
        ),
    ]


def _price_rows(plan: CatalogPlan, variant0: int, price_type_ids: list[int]) -> Iterator[tuple]:
    factors = [price_factor(i) for i in range(len(price_type_ids))]
    for p in plan.products:
        for v in p.variants:
            variant0 += 1
            for price_type_id, factor in zip(price_type_ids, factors, strict=True):
                yield variant0, price_type_id, money(v.base_price * factor)


def _stock_rows(
    plan: CatalogPlan, variant0: int, warehouse_ids: list[int], rng: random.Random
) -> Iterator[tuple]:
    for p in plan.products:
        for _v in p.variants:
            variant0 += 1
            quantities = stock_quantities(rng, p.order_multiple, len(warehouse_ids))
            for warehouse_id, quantity in zip(warehouse_ids, quantities, strict=True):
                yield variant0, warehouse_id, quantity


def warehouses_ensure(count: int) -> list[int]:
    """Ids of the first `count` demo warehouses (Москва, Санкт-Петербург…), made if missing."""
    ids = []
    for sort, (ext_id, name) in enumerate(WAREHOUSES[:count], start=1):
        warehouse, _created = Warehouse.objects.get_or_create(
            ext_id=ext_id, defaults={"name": name, "sort": 10 * sort}
        )
        ids.append(warehouse.pk)
    return ids


@transaction.atomic
def catalog_generate(
    *, skus: int = 5000, sections: int = 150, seed: int = 2026, warehouses: int = 3
) -> CatalogResult:
    """Write a new catalog priced in every existing price type, with stock and partner terms.

    Meant for a database without a catalog (ext_ids and brand names would collide otherwise).
    Partner-specific prices and limited assortments go to existing partners, if any.
    """
    rng = random.Random(f"{seed}:catalog")
    plan = catalog_plan(rng, skus=skus, sections=sections)
    after = {model: last_id(model) for model in ID_MODELS}
    price_type_ids = list(PriceType.objects.order_by("pk").values_list("pk", flat=True))
    tables = catalog_tables(
        plan,
        after=after,
        price_type_ids=price_type_ids,
        warehouse_ids=warehouses_ensure(warehouses),
        rng=rng,
    )
    counts = tables_insert(tables)
    sequences_reset(ID_MODELS)
    product_search_text_refresh(range(after[Product] + 1, after[Product] + len(plan.products) + 1))
    catalog_cache_clear()
    variant_prices = [
        (after[Variant] + k + 1, v.base_price)
        for k, v in enumerate(v for p in plan.products for v in p.variants)
    ]
    tops = {s.name: after[Section] + i + 1 for i, s in enumerate(plan.sections) if s.parent is None}
    pictures, document_files = catalog_files_write(
        products=[(after[Product] + i + 1, p) for i, p in enumerate(plan.products)], seed=seed
    )
    return CatalogResult(
        sections=counts[Section],
        products=counts[Product],
        variants=counts[Variant],
        prices=counts[Price],
        stock=counts[Stock],
        partner_prices=_partner_prices_write(rng, variant_prices),
        assortment_rules=_assortments_write(tops),
        pictures=pictures,
        document_files=document_files,
    )


def _partner_prices_write(rng: random.Random, variant_prices: list[tuple[int, Decimal]]) -> int:
    """The first and the fifth partner have their own prices: fixed amounts or discounts."""
    partner_ids = list(Partner.objects.order_by("pk").values_list("pk", flat=True)[:5])
    rows = []
    for partner_id in partner_ids[::4]:
        for variant_id, base in rng.sample(variant_prices, min(len(variant_prices), 150)):
            if rng.random() < 0.5:
                amount, discount = money(base * Decimal("0.85")), None
            else:
                amount, discount = None, Decimal(rng.randint(3, 12))
            rows.append(
                PartnerPrice(
                    partner_id=partner_id,
                    variant_id=variant_id,
                    amount=amount,
                    discount_percent=discount,
                )
            )
    return len(PartnerPrice.objects.bulk_create(rows, batch_size=2000))


def _assortments_write(tops: dict[str, int]) -> int:
    """The first dental clinic's and first laboratory's first agreements see only their sections."""
    rows = []
    for kind, sections in LIMITED_ASSORTMENTS.items():
        agreement = (
            Agreement.objects.filter(counterparty__partner__name__startswith=kind)
            .order_by("pk")
            .first()
        )
        if agreement is not None:
            rows += [
                AssortmentRule(agreement=agreement, section_id=tops[name])
                for name in sections
                if name in tops
            ]
    return len(AssortmentRule.objects.bulk_create(rows))
