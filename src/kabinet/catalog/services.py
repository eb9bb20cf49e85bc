"""Writes to the catalog that other apps (demo, 1C exchange, admin) call after changing products.

    product_search_text_refresh(product_ids)   # after saving products, variants or barcodes
    catalog_cache_clear()                      # after changing sections (or in bulk loads)

Search compares normalised words with `Product.search_text` and whole codes with
`Product.article_key` / `erp_code_key`; how texts are normalised is `catalog.search`.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from kabinet.catalog.models import Barcode, Product, Variant
from kabinet.catalog.search import product_search_text, search_normalize, search_tokens
from kabinet.pricing.selectors import SECTION_TREE_CACHE_KEY

__all__ = [  # the text functions, for callers that import them from here
    "catalog_cache_clear",
    "catalog_cache_version",
    "product_search_text",
    "product_search_text_refresh",
    "search_normalize",
    "search_tokens",
]

REFRESH_BATCH = 1000
SEARCH_FIELDS = ["search_text", "article_key", "erp_code_key"]
CATALOG_VERSION_KEY = "catalog:version"


@transaction.atomic
def product_search_text_refresh(product_ids: Iterable[int]) -> int:
    """Rewrite the search columns of the given products (`search_text`, `article_key`,
    `erp_code_key`); returns how many products were written.

    The text holds the name, article, 1C code, 1C id, and the barcodes and characteristic
    values of every variant, so
    one `search_text LIKE '%word%'` per word of the query finds a product by any of them,
    identically on SQLite and PostgreSQL (where a trigram index serves the LIKE).
    """
    ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        barcodes: dict[int, list[str]] = {}
        for product_id, code in Barcode.objects.filter(variant__product_id__in=batch).values_list(
            "variant__product_id", "code"
        ):
            barcodes.setdefault(product_id, []).append(code)
        characteristics: dict[int, list[dict]] = {}
        for product_id, values in Variant.objects.filter(product_id__in=batch).values_list(
            "product_id", "characteristics"
        ):
            characteristics.setdefault(product_id, []).append(values)
        products = list(
            Product.objects.filter(pk__in=batch).only(
                "pk", "name", "article", "erp_code", "ext_id", *SEARCH_FIELDS
            )
        )
        changed = []
        for product in products:
            text = product_search_text(
                name=product.name,
                article=product.article,
                erp_code=product.erp_code,
                ext_id=product.ext_id,
                barcodes=barcodes.get(product.pk, ()),
                characteristics=characteristics.get(product.pk, ()),
            )
            values = (text, search_normalize(product.article), search_normalize(product.erp_code))
            if values != tuple(getattr(product, field) for field in SEARCH_FIELDS):
                product.search_text, product.article_key, product.erp_code_key = values
                changed.append(product)
        Product.objects.bulk_update(changed, SEARCH_FIELDS)
        written += len(changed)
    return written


def catalog_cache_clear() -> None:
    """Forget the cached section tree and everything derived from the catalog (facets…).

    Call it after sections change; prices and stock are never cached, so price and stock
    updates need nothing.
    """
    cache.delete(SECTION_TREE_CACHE_KEY)
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:
        cache.set(CATALOG_VERSION_KEY, 1, None)


def catalog_cache_version() -> int:
    return cache.get_or_set(CATALOG_VERSION_KEY, 0, None)
