"""Catalog reads for a partner: the product list and the product card (B1, B2, B4–B7).

What an agreement may see is `pricing.selectors.orderable_products(context)`; what each SKU
costs and how many are in stock comes from `pricing.selectors.variants_priced` — one query for
all variants of a page. A page costs a fixed number of queries whatever its size: the pricing
context, one for the page of products, one for their variants with prices and stock, and, on a
cache miss, one each for the total, the facets and the section tree (cached for a few minutes:
they are navigation aids; rows, prices and stock are always read live). A product outside the
agreement's assortment is 404, like a missing one.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.catalog.facets import Facets, cached, facet_rows, facet_total, facets_from_rows
from kabinet.catalog.matrix import Matrix, variant_matrix
from kabinet.catalog.models import (
    Barcode,
    Product,
    ProductDocument,
    ProductImage,
    ProductProperty,
    Variant,
)
from kabinet.catalog.sections import SectionInfo, SectionTree, section_path, section_tree
from kabinet.catalog.services import search_tokens
from kabinet.imports.selectors import partner_code_product_ids
from kabinet.pricing.models import Stock, Warehouse
from kabinet.pricing.selectors import (
    PricingContext,
    orderable_products,
    pricing_context,
    section_descendants,
    stock_by_warehouse,
    variants_priced,
)

SORTS = ("name", "article", "price", "-price", "stock")
MAX_PER_PAGE = 200
PAGE_MAX = 10**6
HUNDRED = Value(Decimal(100))


@dataclass(slots=True)
class CatalogPage:
    """A page of products; each product carries `offers` (priced variants), `single` (its
    only variant, for quick entry), `price_from` (the lowest UnitPrice) and `stock_total`."""

    products: list[Product]
    total: int
    page: int
    per_page: int
    sort: str
    facets: Facets
    tree: SectionTree

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def page_range(self) -> list[int]:
        first = max(1, self.page - 3)
        return list(range(first, min(self.num_pages, first + 6) + 1))


@dataclass(slots=True)
class ProductCard:
    product: Product
    images: list[ProductImage]
    properties: list[ProductProperty]
    documents: list[ProductDocument]
    # priced: .price, .stock_total, .stock_by_warehouse [(warehouse, qty or None)] per warehouse
    variants: list[Variant]
    warehouses: list[Warehouse]  # those holding stock of this product
    matrix: Matrix
    path: list[SectionInfo]


def _context(scope: Scope, agreement: Agreement) -> PricingContext:
    """The pricing context of an agreement the user may act for (else 404)."""
    counterparty = agreement.counterparty  # loaded with the agreement by web/pricing selectors
    if (
        not agreement.is_active
        or counterparty.partner_id != scope.partner_id
        or (scope.counterparty_ids is not None and counterparty.pk not in scope.counterparty_ids)
    ):
        raise Http404
    return pricing_context(scope=scope, agreement=agreement)


def _in_stock() -> Exists:
    return Exists(
        Stock.objects.filter(
            variant__product_id=OuterRef("pk"),
            variant__is_active=True,
            warehouse__is_active=True,
            quantity__gt=0,
        )
    )


def _price_key(context: PricingContext):
    """The price to sort by: the lowest agreement (list) price of the product's active SKUs,
    with VAT. Partner-specific prices and discounts are left out of the ordering on purpose:
    they are sparse, and taking them in would mean a per-partner join over every product of
    the result; the price shown is always the partner's own.

    An aggregate over a join (one hash join on PostgreSQL) rather than a subquery per product:
    sorting needs the key of every product in the result, and the join is several times faster.
    """
    lowest = Min(
        "variants__prices__amount",
        filter=Q(variants__is_active=True, variants__prices__price_type_id=context.price_type_id),
    )
    if context.vat_included:
        return lowest
    return ExpressionWrapper(
        lowest * (HUNDRED + Coalesce(F("vat_rate"), Value(Decimal(0)))) / HUNDRED,
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )


def _stock_key():
    return Sum(
        "variants__stock__quantity",
        filter=Q(variants__is_active=True, variants__stock__warehouse__is_active=True),
    )


def _ordering(products: QuerySet, *, context: PricingContext, sort: str, query: str):
    order: list = []
    if query:  # an exact article, 1C code or barcode comes first
        exact = (
            Q(article__iexact=query)
            | Q(erp_code__iexact=query)
            | Exists(Barcode.objects.filter(variant__product_id=OuterRef("pk"), code=query))
        )
        products = products.annotate(exact=Case(When(exact, then=Value(0)), default=Value(1)))
        order.append("exact")
    if sort in ("price", "-price"):
        products = products.annotate(price_key=_price_key(context))
        key = F("price_key")
        order.append(key.asc(nulls_last=True) if sort == "price" else key.desc(nulls_last=True))
    elif sort == "stock":
        products = products.annotate(stock_key=_stock_key())
        order.append(F("stock_key").desc(nulls_last=True))
    elif sort == "article":
        order.append("article")
    return products.order_by(*order, "name", "pk")


def catalog_page(
    *,
    scope: Scope,
    agreement: Agreement,
    section_id: int | None = None,
    query: str = "",
    brand_ids: Iterable[int] = (),
    property_filters: Mapping[int, Iterable[str]] | None = None,
    in_stock: bool = False,
    sort: str = "name",
    page: int = 1,
    per_page: int = 50,
) -> CatalogPage:
    """A page of the agreement's assortment, filtered, searched and sorted.

    `query`: every word must occur in the name, article, 1C code or a barcode (case and ё/е
    do not matter); `property_filters`: {property_id: [values]} — any of the values of each
    property. Facets count over the section, search and stock filter, before brand and
    property filters, so that choosing one brand still offers the others.
    """
    context = _context(scope, agreement)
    sort = sort if sort in SORTS else "name"
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    # Past the last page shows the last one; a huge number must not overflow the row offset.
    page = min(max(int(page), 1), PAGE_MAX)
    query = " ".join(query.split())
    brand_ids = sorted({int(b) for b in brand_ids})
    property_filters = {int(k): sorted(set(v)) for k, v in (property_filters or {}).items() if v}

    base = orderable_products(context)
    if section_id is not None:
        base = base.filter(section_id__in=section_descendants([section_id]))
    tokens = search_tokens(query)
    if tokens:
        # Every word in the product's own texts, or the partner's own code for it (B9).
        words = Q()
        for token in tokens:
            words &= Q(search_text__contains=token)
        base = base.filter(words | Q(pk__in=partner_code_product_ids(scope, tokens)))
    if in_stock:
        base = base.filter(_in_stock())
    products = base
    if brand_ids:
        products = products.filter(brand_id__in=brand_ids)
    for property_id, values in property_filters.items():
        products = products.filter(
            Exists(
                ProductProperty.objects.filter(
                    product_id=OuterRef("pk"), property_id=property_id, value__in=values
                )
            )
        )
    # Facets and the total are cached briefly (counting means pricing every product of the
    # result, which the ordered page itself need not do); rows, prices and stock are live.
    key = (context.agreement_id, context.partner_id, section_id, in_stock, tokens, brand_ids)
    facet_data = cached(
        "facets",
        (*key, sorted(property_filters.items())),
        lambda: facet_rows(base, products),
    )
    facets = facets_from_rows(facet_data, brand_ids=brand_ids, property_filters=property_filters)
    total = facet_total(facet_data)
    products = (
        _ordering(products, context=context, sort=sort, query=query)
        .select_related("brand")
        .defer("description", "search_text")
    )
    products = products.annotate(
        image_file=Subquery(
            ProductImage.objects.filter(product_id=OuterRef("pk"))
            .order_by("sort", "pk")
            .values("file")[:1]
        ),
    )
    rows = list(products[(page - 1) * per_page : page * per_page])
    if not rows and page > 1:  # past the last page (or a stale total): show the last one
        total = products.count()
        page = max(1, -(-total // per_page))
        rows = list(products[(page - 1) * per_page : page * per_page])
    total = max(total, (page - 1) * per_page + len(rows))
    _attach_offers(context, rows)
    return CatalogPage(
        products=rows,
        total=total,
        page=page,
        per_page=per_page,
        sort=sort,
        facets=facets,
        tree=section_tree(context=context, current_id=section_id),
    )


def _attach_offers(context: PricingContext, products: list[Product]) -> None:
    offers: dict[int, list[Variant]] = {p.pk: [] for p in products}
    variants = (
        Variant.objects.filter(product_id__in=list(offers), is_active=True)
        .only("pk", "product_id", "name", "color", "size", "sort")
        .order_by("product_id", "sort", "pk")
    )
    for variant in variants_priced(context=context, variants=variants):
        offers[variant.product_id].append(variant)
    for product in products:
        product.offers = offers[product.pk]
        for variant in product.offers:
            variant.product = product  # spare a query per variant in templates
        product.single = product.offers[0] if len(product.offers) == 1 else None
        product.price_from = min(
            (v.price for v in product.offers), key=lambda p: p.amount, default=None
        )
        product.stock_total = sum((v.stock_total for v in product.offers), 0)


def product_detail(*, scope: Scope, agreement: Agreement, product_id: int) -> ProductCard:
    """The product card with its SKUs priced for the agreement; 404 outside its assortment."""
    context = _context(scope, agreement)
    product = (
        orderable_products(context).select_related("brand", "section").filter(pk=product_id).first()
    )
    if product is None:
        raise Http404
    variants = variants_priced(
        context=context,
        variants=Variant.objects.filter(product_id=product.pk, is_active=True).order_by(
            "sort", "pk"
        ),
    )
    stock = stock_by_warehouse(variant_ids=[v.pk for v in variants])
    warehouse_ids = {w for per_variant in stock.values() for w in per_variant}
    warehouses = list(Warehouse.objects.filter(pk__in=warehouse_ids)) if warehouse_ids else []
    for variant in variants:
        variant.product = product
        held = stock.get(variant.pk, {})
        variant.stock_by_warehouse = [(w, held.get(w.pk)) for w in warehouses]
    return ProductCard(
        product=product,
        images=list(product.images.all()),
        properties=list(
            product.properties.select_related("property").order_by(
                "property__sort", "property__name", "value"
            )
        ),
        documents=list(product.documents.all()),
        variants=variants,
        warehouses=warehouses,
        matrix=variant_matrix(variants),
        path=section_path(product.section_id),
    )


def document_get(*, scope: Scope, agreement: Agreement, document_id: int) -> ProductDocument:
    """A product document with a file, only if its product is in the agreement's assortment."""
    context = _context(scope, agreement)
    document = (
        ProductDocument.objects.filter(pk=document_id, product__in=orderable_products(context))
        .exclude(file="")
        .first()
    )
    if document is None:
        raise Http404
    return document


def image_get(*, scope: Scope, agreement: Agreement, image_id: int) -> ProductImage:
    """A product picture, only if its product is in the agreement's assortment."""
    context = _context(scope, agreement)
    image = ProductImage.objects.filter(
        pk=image_id, product__in=orderable_products(context)
    ).first()
    if image is None:
        raise Http404
    return image
