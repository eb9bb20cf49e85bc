"""What a partner pays and what is in stock — the one place that decides a partner's price.

    context = pricing_context(scope=scope, agreement=agreement)
    prices = prices_for(context=context, variant_ids=[...])   # {variant_id: Price}, one query
    stock = stock_for(variant_ids=[...])                      # {variant_id: Decimal}, one query

The rule: a partner-specific price (a fixed amount, or a discount off the agreement's price)
wins over the agreement's price type; prices are shown and charged with VAT. A variant without
a price in the agreement's price type is not orderable (absent from the result).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import translation

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.accounts.selectors import counterparty_qs
from kabinet.catalog.models import Product, Section, Variant
from kabinet.catalog.stock import stock_display
from kabinet.core.money import add_vat, money
from kabinet.pricing.models import (
    AssortmentRule,
    PartnerPrice,
    Price,
    PriceList,
    PriceVersion,
    Stock,
)


class PriceSource:
    AGREEMENT = "agreement"
    PARTNER = "partner"
    PARTNER_DISCOUNT = "partner-discount"


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """The price of one unit as the partner pays it."""

    amount: Decimal  # VAT included
    currency: str
    vat_rate: Decimal | None
    source: str
    list_amount: Decimal  # the agreement's price, VAT included, before any partner override

    @property
    def has_discount(self) -> bool:
        return self.amount < self.list_amount


@dataclass(frozen=True, slots=True)
class PricingContext:
    """Everything `prices_for` needs, resolved once per request."""

    partner_id: int
    agreement_id: int
    price_type_id: int | None
    currency: str
    vat_included: bool
    assortment_limited: bool


def agreement_for(scope: Scope, agreement_id: int) -> Agreement:
    """An active agreement of a counterparty the user may act for, else 404."""
    agreement = (
        Agreement.objects.filter(
            pk=agreement_id, is_active=True, counterparty__in=counterparty_qs(scope)
        )
        .select_related("price_type", "counterparty")
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def pricing_context(*, scope: Scope, agreement: Agreement) -> PricingContext:
    price_type = agreement.price_type
    # Asked once per agreement object (i.e. per request), however many selectors price things.
    limited = getattr(agreement, "_assortment_limited", None)
    if limited is None:
        limited = AssortmentRule.objects.filter(agreement_id=agreement.pk).exists()
        agreement._assortment_limited = limited
    return PricingContext(
        partner_id=scope.partner_id,
        agreement_id=agreement.pk,
        price_type_id=agreement.price_type_id,
        currency=price_type.currency if price_type else agreement.currency,
        vat_included=price_type.vat_included if price_type else True,
        assortment_limited=limited,
    )


def prices_for(*, context: PricingContext, variant_ids) -> dict[int, UnitPrice]:
    """Unit prices of the given variants for this agreement and partner, in one query.

    `variant_ids`: ids, or a queryset of them (a cart's lines) — a subquery is cheaper to
    send than five hundred parameters.
    """
    if context.price_type_id is None:
        return {}
    ids = variant_ids if isinstance(variant_ids, QuerySet) else list(variant_ids)
    rows = (
        Variant.objects.filter(pk__in=ids)
        .annotate(**_price_annotations(context))
        .values_list("pk", "product__vat_rate", "list_amount", "partner_amount", "partner_discount")
    )
    result = {}
    for variant_id, vat_rate, list_amount, partner_amount, partner_discount in rows:
        if list_amount is None and partner_amount is None:
            continue
        result[variant_id] = unit_price(
            context=context,
            vat_rate=vat_rate,
            list_amount=list_amount,
            partner_amount=partner_amount,
            partner_discount=partner_discount,
        )
    return result


def _price_annotations(context: PricingContext) -> dict:
    """The raw amounts `unit_price` combines, as annotations on a Variant queryset."""
    partner_prices = PartnerPrice.objects.filter(
        partner_id=context.partner_id, variant_id=OuterRef("pk")
    )
    return {
        "list_amount": Subquery(
            Price.objects.filter(
                variant_id=OuterRef("pk"), price_type_id=context.price_type_id
            ).values("amount")[:1]
        ),
        "partner_amount": Subquery(partner_prices.values("amount")[:1]),
        "partner_discount": Subquery(partner_prices.values("discount_percent")[:1]),
    }


def variants_priced(*, context: PricingContext, variants: QuerySet[Variant]) -> list[Variant]:
    """The given variants with `.price` (UnitPrice) and `.stock_total`, in one query.

    `prices_for` and `stock_for` in a single statement, for pages that list variants (the
    catalog): variants without a price for this agreement are left out (not orderable).
    """
    if context.price_type_id is None:
        return []
    stock = (
        Stock.objects.filter(variant_id=OuterRef("pk"), warehouse__is_active=True)
        .values("variant_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    rows = variants.annotate(
        **_price_annotations(context),
        vat_rate=F("product__vat_rate"),
        stock_total=Subquery(stock),
    )
    result = []
    for variant in rows:
        if variant.list_amount is None and variant.partner_amount is None:
            continue
        variant.price = unit_price(
            context=context,
            vat_rate=variant.vat_rate,
            list_amount=variant.list_amount,
            partner_amount=variant.partner_amount,
            partner_discount=variant.partner_discount,
        )
        if variant.stock_total is None or variant.stock_total < 0:
            variant.stock_total = Decimal(0)
        result.append(variant)
    return result


def unit_price(
    *, context: PricingContext, vat_rate, list_amount, partner_amount, partner_discount
) -> UnitPrice:
    """Combine the raw amounts of one variant (see the module docstring for the rule)."""

    def gross(amount: Decimal) -> Decimal:
        return money(amount) if context.vat_included else add_vat(amount, vat_rate)

    base = gross(list_amount) if list_amount is not None else None
    if partner_amount is not None:
        amount, source = gross(partner_amount), PriceSource.PARTNER
    elif partner_discount is not None and base is not None:
        amount = money(base * (100 - partner_discount) / 100)
        source = PriceSource.PARTNER_DISCOUNT
    else:
        amount, source = base, PriceSource.AGREEMENT
    return UnitPrice(
        amount=amount,
        currency=context.currency,
        vat_rate=vat_rate,
        source=source,
        list_amount=base if base is not None else amount,
    )


def stock_for(*, variant_ids) -> dict[int, Decimal]:
    """Total stock over all active warehouses, per variant (missing: none in stock)."""
    rows = (
        Stock.objects.filter(variant_id__in=list(variant_ids), warehouse__is_active=True)
        .values("variant_id")
        .annotate(total=Sum("quantity"))
        .values_list("variant_id", "total")
    )
    return {variant_id: total for variant_id, total in rows if total and total > 0}


def stock_by_warehouse(*, variant_ids) -> dict[int, dict[int, Decimal]]:
    result: dict[int, dict[int, Decimal]] = {}
    rows = Stock.objects.filter(
        variant_id__in=list(variant_ids), warehouse__is_active=True, quantity__gt=0
    ).values_list("variant_id", "warehouse_id", "quantity")
    for variant_id, warehouse_id, quantity in rows:
        result.setdefault(variant_id, {})[warehouse_id] = quantity
    return result


SECTION_TREE_CACHE_KEY = "catalog:section-parents"


def section_parents() -> dict[int, int | None]:
    """{section_id: parent_id} of active sections; small, cached, dropped by catalog writes."""
    parents = cache.get(SECTION_TREE_CACHE_KEY)
    if parents is None:
        parents = dict(Section.objects.filter(is_active=True).values_list("pk", "parent_id"))
        cache.set(SECTION_TREE_CACHE_KEY, parents, 300)
    return parents


def section_descendants(section_ids) -> set[int]:
    parents = section_parents()
    children: dict[int | None, list[int]] = {}
    for section_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(section_id)
    found, stack = set(), [s for s in section_ids if s in parents]
    while stack:
        section_id = stack.pop()
        if section_id not in found:
            found.add(section_id)
            stack.extend(children.get(section_id, []))
    return found


def assortment_q(context: PricingContext) -> Q:
    """Products the agreement may see: all, or those in its listed sections and products."""
    if not context.assortment_limited:
        return Q()
    rules = AssortmentRule.objects.filter(agreement_id=context.agreement_id)
    section_ids = section_descendants(
        rules.filter(section__isnull=False).values_list("section_id", flat=True)
    )
    return Q(section_id__in=section_ids) | Q(
        pk__in=rules.filter(product__isnull=False).values("product_id")
    )


def assortment_allows(context: PricingContext, products: dict[int, int]) -> set[int]:
    """Which of `products` ({product_id: section_id}) the agreement's assortment includes.

    The same rule as `assortment_q`, decided in Python for rows a page already loaded (a
    cart's lines): no query for an agreement without rules, one otherwise.
    """
    if not context.assortment_limited:
        return set(products)
    section_rules, product_rules = set(), set()
    for section_id, product_id in AssortmentRule.objects.filter(
        agreement_id=context.agreement_id
    ).values_list("section_id", "product_id"):
        if section_id is not None:
            section_rules.add(section_id)
        else:
            product_rules.add(product_id)
    sections = section_descendants(section_rules)
    return {p for p, section in products.items() if section in sections or p in product_rules}


def orderable_products(context: PricingContext) -> QuerySet[Product]:
    """Active products in the agreement's assortment with at least one priced active variant."""
    priced = Variant.objects.filter(product_id=OuterRef("pk"), is_active=True).filter(
        Exists(Price.objects.filter(variant_id=OuterRef("pk"), price_type_id=context.price_type_id))
        | Exists(
            PartnerPrice.objects.filter(
                variant_id=OuterRef("pk"), partner_id=context.partner_id, amount__isnull=False
            )
        )
    )
    return Product.objects.filter(assortment_q(context), Exists(priced), is_active=True)


def orderable_variants(context: PricingContext) -> QuerySet[Variant]:
    return Variant.objects.filter(is_active=True, product__in=orderable_products(context))


# --- The price list (B8) ---------------------------------------------------------------------


def price_version() -> int:
    """The committed price version (see `PriceVersion`); 0 before anything moved it."""
    return PriceVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def price_list_key() -> dict:
    """What a built price list must match to be served: today's version, the language and
    the way stock is shown (both change the file's contents)."""
    shown = stock_display()
    if shown == "levels":
        shown = f"levels:{settings.KABINET_STOCK_FEW}"
    return {
        "version": price_version(),
        "language": translation.get_language() or "",
        "stock_display": shown,
    }


def price_list_is_current(price_list: PriceList) -> bool:
    """Built for today's prices (and this language and stock display): it may be served."""
    key = price_list_key()
    return all(getattr(price_list, field) == value for field, value in key.items())


def price_list_get(scope: Scope, price_list_id: int) -> PriceList:
    """A price list of an agreement the user may act under, else 404."""
    price_list = (
        PriceList.objects.filter(
            pk=price_list_id,
            partner_id=scope.partner_id,
            agreement__is_active=True,
            agreement__counterparty__in=counterparty_qs(scope),
        )
        .select_related("agreement")
        .first()
    )
    if price_list is None:
        raise Http404
    return price_list
