"""Catalog reads for a partner: the product list and the product card (B1, B2, B4–B7).

What an agreement may see is `pricing.selectors.orderable_products(context)`; what each SKU
costs and how many are in stock comes from `pricing.selectors.variants_priced` — one query for
all variants of a page. A page costs a fixed number of queries whatever its size: the pricing
context, one for the page of products, one for their variants with prices and stock, and, on a
cache miss, one each for the total, the facets and the section tree (cached for a few minutes:
they are navigation aids; rows, prices and stock are always read live). A search that finds
nothing as typed costs a few more (see "Search" below). A product outside the agreement's
assortment is 404, like a missing one.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
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
from django.db.models.lookups import Lookup
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
from kabinet.catalog.search import layout_swap, search_normalize, search_tokens
from kabinet.catalog.sections import SectionInfo, SectionTree, section_path, section_tree
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

SORTS = ("relevance", "name", "article", "price", "-price", "stock")
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
    # when the query as typed found nothing: what was searched instead (the other keyboard
    # layout), and whether typos were forgiven
    searched_as: str = ""
    similar: bool = False

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


# --- Search ---------------------------------------------------------------------------------
# Every word of the query must occur in `Product.search_text` (or the partner's own code for the
# product must hold it): `LIKE '%stem%'`, served by a trigram index on PostgreSQL. When that
# finds nothing, the query is tried in the other keyboard layout, then with typos forgiven —
# each step only when the one before found nothing, so a query that finds something costs no
# more than before. Each further step costs its facet query; a typo search also one query for
# the ids of the most similar products (and one to set pg_trgm's threshold on PostgreSQL).

SIMILAR_MIN_LENGTH = 4  # shorter words are never taken for typos of others
SIMILAR_LIMIT = 1000  # products taken at most for a query with typos, the most similar first
FLOAT = FloatField()
SHORT_NUMBER = 4  # numbers of fewer digits are looked for as whole words
# pg_trgm's word_similarity a typo must reach (its default, 0.6, misses a letter added or
# left out early in a short word: "шаприц" is 0.44 like "шприц")
WORD_SIMILARITY = 0.4


@dataclass(frozen=True, slots=True)
class SearchAttempt:
    query: str  # as searched: the typed query, or it in the other keyboard layout
    tokens: tuple[str, ...]
    similar: bool = False  # typos forgiven


def search_attempts(query: str) -> list[SearchAttempt]:
    """The ways to search a query, in order: as typed, in the other layout, then both again
    forgiving one typo per word."""
    tokens = tuple(search_tokens(query))
    if not tokens:
        return []
    attempts = [SearchAttempt(query, tokens)]
    swapped = layout_swap(query)
    if swapped:
        attempts.append(SearchAttempt(swapped, tuple(search_tokens(swapped))))
    attempts += [
        SearchAttempt(attempt.query, attempt.tokens, similar=True)
        for attempt in list(attempts)
        if any(len(token) >= SIMILAR_MIN_LENGTH for token in attempt.tokens)
    ]
    return attempts


class _Like(Lookup):
    """`column LIKE pattern` with the pattern's own `_` wildcards (Django's lookups escape them)."""

    lookup_name = "like_pattern"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


class _WordSimilar(Lookup):
    """pg_trgm's `column %> word`: the word is like a word of the column (index-served)."""

    lookup_name = "word_similar"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %%> {rhs}", [*lhs_params, *rhs_params]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def typo_patterns(token: str) -> list[str]:
    """LIKE patterns of the texts one typo away from `token`: a letter changed, left out, added
    or two neighbours swapped."""
    chars = [_like_escape(char) for char in token]
    variants = set()
    for i in range(len(chars) + 1):
        variants.add("".join([*chars[:i], "_", *chars[i:]]))  # a letter left out by the user
        if i < len(chars):
            variants.add("".join([*chars[:i], "_", *chars[i + 1 :]]))  # a letter changed
            variants.add("".join(chars[:i] + chars[i + 1 :]))  # a letter too many
        if i + 1 < len(chars):
            swapped = [*chars[:i], chars[i + 1], chars[i], *chars[i + 2 :]]
            variants.add("".join(swapped))
    return sorted(f"%{variant}%" for variant in variants)


def _similar(token: str) -> Q:
    """Products whose search text has a word like `token`: by trigram similarity on PostgreSQL
    (served by the trigram index; it also forgives two typos in a longer word), by the LIKE
    patterns one typo away (`typo_patterns`) on SQLite, which has no trigrams. The patterns
    are not used on PostgreSQL: they cannot use the index, and scanning 100,000 products with
    them takes seconds."""
    if connection.vendor == "postgresql":
        return Q(_WordSimilar(F("search_text"), token))
    similar = Q()
    for pattern in typo_patterns(token):
        similar |= Q(_Like(F("search_text"), pattern))
    return similar


def _word(token: str) -> Q:
    """A word of the query found in the search text: anywhere, except a short number, which
    must be a word of its own ("5" is the "5 мл" variant, not "0,5 мл", "50 мл" or a digit of
    a barcode)."""
    if token.isdigit() and len(token) < SHORT_NUMBER:
        return (
            Q(search_text=token)
            | Q(search_text__startswith=f"{token} ")
            | Q(search_text__contains=f" {token} ")
            | Q(search_text__endswith=f" {token}")
        )
    return Q(search_text__contains=token)


def _search_filter(scope: Scope, attempt: SearchAttempt) -> Q:
    words = Q()
    for token in attempt.tokens:
        word = _word(token)
        if attempt.similar and len(token) >= SIMILAR_MIN_LENGTH:
            word |= _similar(token)
        words &= word
    if attempt.similar:
        # Typos are forgiven in the catalog's texts only: an OR with a subquery would keep
        # PostgreSQL from using the trigram index (the partner's codes matched as typed).
        return words
    # or the partner's own code for the product (B9)
    return words | Q(pk__in=partner_code_product_ids(scope, attempt.tokens))


def _similarity_threshold_set() -> None:
    """pg_trgm's `%>` compares with a setting, not an argument: set it for this connection."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(WORD_SIMILARITY)],
            )


def _similar_ids(scope: Scope, attempt: SearchAttempt) -> list[int]:
    """The ids of the SIMILAR_LIMIT products of the catalog most like a query with typos,
    fetched first: the facets and the page then work on a list of ids, of which those the
    agreement may order are shown. (PostgreSQL cannot estimate how many rows a similarity
    filter keeps, and planned the facet query around it at seconds.)"""
    _similarity_threshold_set()
    products = Product.objects.filter(_search_filter(scope, attempt))
    products, rank = _relevance(products, attempt)
    return list(products.order_by(*rank, "pk").values_list("pk", flat=True)[:SIMILAR_LIMIT])


def _relevance(products: QuerySet, attempt: SearchAttempt) -> tuple[QuerySet, list]:
    """Name matches by rank: on PostgreSQL, typos by trigram similarity; otherwise the number
    of query words that begin a word of the product, then whether its name begins with the
    first one."""
    if attempt.similar and connection.vendor == "postgresql":
        similarity = sum(
            (
                Func(Value(t), F("search_text"), function="word_similarity", output_field=FLOAT)
                for t in attempt.tokens
            ),
            Value(0.0, output_field=FLOAT),
        )
        return products.annotate(similarity=similarity), [F("similarity").desc()]
    word_starts = sum(
        (
            Case(
                When(Q(search_text__startswith=t) | Q(search_text__contains=f" {t}"), then=1),
                default=0,
            )
            for t in attempt.tokens
        ),
        Value(0),
    )
    name_start = Case(When(search_text__startswith=attempt.tokens[0], then=0), default=1)
    products = products.annotate(word_starts=word_starts, name_start=name_start)
    return products, [F("word_starts").desc(), "name_start"]


def _ordering(
    products: QuerySet, *, context: PricingContext, sort: str, attempt: SearchAttempt | None
):
    order: list = []
    if attempt is not None:  # an exact article, 1C code or barcode comes first
        key = search_normalize(attempt.query)
        exact = (
            Q(article_key=key)
            | Q(erp_code_key=key)
            | Exists(Barcode.objects.filter(variant__product_id=OuterRef("pk"), code=attempt.query))
        )
        products = products.annotate(exact=Case(When(exact, then=Value(0)), default=Value(1)))
        order.append("exact")
        if sort == "relevance":
            products, rank = _relevance(products, attempt)
            order += rank
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
    sort: str = "",
    page: int = 1,
    per_page: int = 50,
) -> CatalogPage:
    """A page of the agreement's assortment, filtered, searched and sorted.

    `query`: every word must occur in the name, article, 1C code or a barcode, Russian words
    in any form (case, ё/е and Latin/Cyrillic look-alike letters do not matter); when nothing
    is found, the query in the other keyboard layout, then with typos forgiven (`searched_as`,
    `similar` say so). Sorted by relevance by default when searching: an exact article, 1C
    code or barcode first, then name matches by rank. `property_filters`: {property_id:
    [values]} — any of the values of each property. Facets count over the section, search
    and stock filter, before brand and property filters, so that choosing one brand still
    offers the others.
    """
    context = _context(scope, agreement)
    query = " ".join(query.split())
    if sort not in SORTS or (sort == "relevance" and not query):
        sort = "relevance" if query else "name"
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    # Past the last page shows the last one; a huge number must not overflow the row offset.
    page = min(max(int(page), 1), PAGE_MAX)
    brand_ids = sorted({int(b) for b in brand_ids})
    property_filters = {int(k): sorted(set(v)) for k, v in (property_filters or {}).items() if v}

    within = orderable_products(context)
    if section_id is not None:
        within = within.filter(section_id__in=section_descendants([section_id]))
    attempt = None
    for attempt in search_attempts(query) or [None]:
        base = within
        if attempt is not None and attempt.similar:
            base = base.filter(pk__in=_similar_ids(scope, attempt))
        elif attempt is not None:
            base = base.filter(_search_filter(scope, attempt))
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
        # Facets and the total are cached briefly (counting means pricing every product of
        # the result, which the ordered page itself need not do); rows, prices and stock are
        # live.
        key = (context.agreement_id, context.partner_id, section_id, in_stock, attempt, brand_ids)
        facet_data = cached(
            "facets",
            (*key, sorted(property_filters.items())),
            lambda base=base, products=products: facet_rows(base, products),
        )
        total = facet_total(facet_data)
        if total:  # else the next way to search, if any
            break
    facets = facets_from_rows(facet_data, brand_ids=brand_ids, property_filters=property_filters)
    products = (
        _ordering(products, context=context, sort=sort, attempt=attempt)
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
        searched_as=attempt.query if attempt and attempt.query != query else "",
        similar=bool(attempt and attempt.similar and total),
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
