"""Years of orders for the demo partners, as the historical load from 1C brings them (E4).

Each order lives its life on the clock — created as a draft, sent, accepted by the supplier,
maybe short of stock, assembled, shipped (in one or two shipments), completed; or cancelled, or
left a draft; some were created by a manager directly in 1C. Its status is the last step
reached before now, and every step is an OrderEvent with its time. Lines carry the price of the
day — today's price through `pricing.selectors.unit_price`, less ~7% a year back — frozen, and
an order's total is the sum of its lines. Numbers are the checkout's (`orders.checkout.
order_number`), so history and new orders share one numbering.

`plan.orders_plan()` makes the rows; `orders_history_generate()` reads the partners and the
catalog from the database and writes them with bulk inserts; bench/generate_l.py writes the
same rows with COPY. The newest shipments get generated УПД PDFs (`files.py`).
"""

import random
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from kabinet.accounts.models import Agreement, DeliveryAddress, Section, User
from kabinet.catalog.models import Variant
from kabinet.demo.bulk import last_id, sequences_reset, tables_insert
from kabinet.demo.orders_history.files import shipment_files_write
from kabinet.demo.orders_history.plan import ID_MODELS, Buyer, PriceLookup, Sku, orders_plan
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment
from kabinet.pricing.models import AssortmentRule, PartnerPrice, Price
from kabinet.pricing.selectors import PricingContext, section_descendants

__all__ = [
    "Buyer",
    "HistoryResult",
    "Sku",
    "buyers_load",
    "orders_history_generate",
    "orders_plan",
    "prices_load",
    "skus_load",
]


@dataclass
class HistoryResult:
    orders: int = 0
    lines: int = 0
    events: int = 0
    shipments: int = 0
    shipment_documents: int = 0


@transaction.atomic
def orders_history_generate(
    *,
    months: int = 24,
    orders_per_partner_month: float = 4,
    lines_mean: float = 12,
    seed: int = 2026,
    now: datetime | None = None,
) -> HistoryResult:
    """Orders of every partner over the last `months`, on the catalog and prices in the database."""
    after = {model: last_id(model) for model in ID_MODELS}
    rng = random.Random(f"{seed}:orders:{after[Order]}")  # a second history gets new 1C ids
    skus = skus_load()
    buyers, price_of = buyers_load(skus), prices_load()
    counts: dict = {}
    documents = 0
    if buyers and skus:
        tables = orders_plan(
            rng,
            buyers=buyers,
            skus=skus,
            price_of=price_of,
            after=after,
            months=months,
            per_month=orders_per_partner_month,
            lines_mean=lines_mean,
            now=now,
        )
        for chunk in tables:
            counts = tables_insert(chunk)
        sequences_reset(ID_MODELS)
        documents = shipment_files_write()
    return HistoryResult(
        orders=counts.get(Order, 0),
        lines=counts.get(OrderLine, 0),
        events=counts.get(OrderEvent, 0),
        shipments=counts.get(Shipment, 0),
        shipment_documents=documents,
    )


def skus_load() -> list[Sku]:
    """Every active SKU, in pk order, as order lines name it."""
    rows = (
        Variant.objects.filter(is_active=True, product__is_active=True)
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "product__name",
            "product__article",
            "product__unit",
            "product__vat_rate",
            "product__order_multiple",
            "product__min_quantity",
            "product_id",
            "product__section_id",
        )
    )
    return [
        Sku(pk, f"{product} {name}" if name else product, *rest)
        for pk, name, product, *rest in rows
    ]


def prices_load() -> PriceLookup:
    """What each agreement's price type and each partner's own prices say a SKU costs."""
    prices = {
        (v, t): amount
        for v, t, amount in Price.objects.values_list("variant_id", "price_type_id", "amount")
    }
    own = {
        (p, v): (amount, discount)
        for p, v, amount, discount in PartnerPrice.objects.values_list(
            "partner_id", "variant_id", "amount", "discount_percent"
        )
    }

    def price_of(buyer: Buyer, sku: Sku):
        context = buyer.context
        amount, discount = own.get((context.partner_id, sku.id), (None, None))
        return prices.get((sku.id, context.price_type_id)), amount, discount

    return price_of


def buyers_load(skus: list[Sku]) -> list[Buyer]:
    """Active agreements with a price type, with their addresses, the users who may order on
    them (catalog section; counterparty restrictions respected) and their assortment's SKUs."""
    agreements = (
        Agreement.objects.filter(
            is_active=True, price_type__isnull=False, counterparty__is_active=True
        )
        .select_related("counterparty", "price_type")
        .order_by("counterparty__partner_id", "pk")
    )
    addresses: dict[int, list[int]] = {}
    for counterparty_id, pk in DeliveryAddress.objects.filter(is_active=True).values_list(
        "counterparty_id", "pk"
    ):
        addresses.setdefault(counterparty_id, []).append(pk)
    restricted: dict[int, set[int]] = {}
    for user_id, counterparty_id in User.counterparties.through.objects.values_list(
        "user_id", "counterparty_id"
    ):
        restricted.setdefault(user_id, set()).add(counterparty_id)
    users: dict[int, list[int]] = {}
    for pk, partner_id, sections in User.objects.filter(
        partner__isnull=False, is_active=True
    ).values_list("pk", "partner_id", "sections"):
        if Section.CATALOG in sections:
            users.setdefault(partner_id, []).append(pk)
    rules: dict[int, list[tuple]] = {}
    for agreement_id, section_id, product_id in AssortmentRule.objects.values_list(
        "agreement_id", "section_id", "product_id"
    ):
        rules.setdefault(agreement_id, []).append((section_id, product_id))
    buyers = []
    for agreement in agreements:
        partner_id, cp = agreement.counterparty.partner_id, agreement.counterparty_id
        allowed = None
        if agreement.pk in rules:
            sections = section_descendants({s for s, _p in rules[agreement.pk] if s})
            products = {p for _s, p in rules[agreement.pk] if p}
            allowed = [
                i
                for i, sku in enumerate(skus)
                if sku.section_id in sections or sku.product_id in products
            ]
        context = PricingContext(
            partner_id=partner_id,
            agreement_id=agreement.pk,
            price_type_id=agreement.price_type_id,
            currency=agreement.price_type.currency,
            vat_included=agreement.price_type.vat_included,
            assortment_limited=agreement.pk in rules,
        )
        authors = tuple(
            pk for pk in users.get(partner_id, []) if pk not in restricted or cp in restricted[pk]
        )
        buyers.append(Buyer(context, cp, tuple(addresses.get(cp, ())), authors, allowed))
    return buyers
