"""Writes to the catalog that other apps (demo, 1C exchange, admin) call after changing products.

    product_search_text_refresh(product_ids)   # after saving products, variants or barcodes
    catalog_cache_clear()                      # after changing sections (or in bulk loads)

Search compares normalised words (`search_normalize`) with `Product.search_text`.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from kabinet.catalog.models import Barcode, Product
from kabinet.pricing.selectors import SECTION_TREE_CACHE_KEY

REFRESH_BATCH = 1000
CATALOG_VERSION_KEY = "catalog:version"


def search_normalize(text: str) -> str:
    """Lower-case in Python (SQLite folds only ASCII) and spell ё as е, as people type it."""
    return " ".join(text.lower().replace("ё", "е").split())


def search_tokens(query: str) -> list[str]:
    """The words of a search query, normalised like `Product.search_text`, without repeats."""
    return list(dict.fromkeys(search_normalize(query).split()))


def product_search_text(
    *, name: str, article: str, erp_code: str, ext_id: str | None, barcodes: Iterable[str]
) -> str:
    """The search text of one product (for bulk writers that hold the values already)."""
    parts = [name, article, erp_code, ext_id or "", *sorted(barcodes)]
    return search_normalize(" ".join(parts))


@transaction.atomic
def product_search_text_refresh(product_ids: Iterable[int]) -> int:
    """Rewrite `Product.search_text` of the given products; returns how many were written.

    The text holds the name, article, 1C code, 1C id and the barcodes of every variant, so
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
        products = list(
            Product.objects.filter(pk__in=batch).only(
                "pk", "name", "article", "erp_code", "ext_id", "search_text"
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
            )
            if text != product.search_text:
                product.search_text = text
                changed.append(product)
        Product.objects.bulk_update(changed, ["search_text"])
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
