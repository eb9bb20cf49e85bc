"""Facets of the catalog list: brands and filterable property values present in a result.

Computed in one UNION query, together with the total of the result, then cached for a couple
of minutes (`cached`): they guide navigation, while rows, prices and stock are always live.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, QuerySet, Value

from kabinet.catalog.models import Product, ProductProperty
from kabinet.catalog.services import catalog_cache_version

FACET_CACHE_SECONDS = 120
FACET_VALUES_LIMIT = 50


@dataclass(slots=True)
class FacetValue:
    value: str  # as it appears in the query string
    label: str
    count: int
    selected: bool = False


@dataclass(slots=True)
class PropertyFacet:
    property_id: int
    name: str
    values: list[FacetValue]


@dataclass(slots=True)
class Facets:
    brands: list[FacetValue] = field(default_factory=list)
    properties: list[PropertyFacet] = field(default_factory=list)


def cached(name: str, key: tuple, compute):
    """`compute()` cached for FACET_CACHE_SECONDS under `name` and `key`."""
    digest = hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()
    cache_key = f"catalog:{name}:{catalog_cache_version()}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, FACET_CACHE_SECONDS)
    return value


def facet_total(rows: list[tuple]) -> int:
    """The number of products in the result, from `facet_rows`."""
    return next((row[5] for row in rows if row[0] == 2), 0)


def facets_from_rows(rows: list[tuple], *, brand_ids, property_filters) -> Facets:
    facets = Facets()
    by_property: dict[int, PropertyFacet] = {}
    for kind, ident, label, value, _sort, count in rows:
        if kind == 2:
            continue
        if kind == 0:
            facets.brands.append(FacetValue(str(ident), label, count, selected=ident in brand_ids))
            continue
        facet = by_property.get(ident)
        if facet is None:
            facet = by_property[ident] = PropertyFacet(ident, label, [])
            facets.properties.append(facet)
        if len(facet.values) < FACET_VALUES_LIMIT:
            chosen = value in property_filters.get(ident, ())
            facet.values.append(FacetValue(f"{ident}:{value}", value, count, selected=chosen))
    return facets


def facet_rows(base: QuerySet, result: QuerySet) -> list[tuple]:
    """(kind, id, label, value, sort, count): brands (kind 0) and filterable property values
    (kind 1) present in the products of `base`, and the number of products in `result`
    (kind 2, the last row), in one UNION query."""
    product_ids = base.order_by().values("pk")
    brands = (
        Product.objects.filter(pk__in=product_ids, brand__isnull=False)
        .order_by()
        .values("brand_id")
        .annotate(
            kind=Value(0),
            ident=F("brand_id"),
            label=F("brand__name"),
            value=Value(""),
            sort=Value(0),
            n=Count("pk"),
        )
        .values_list("kind", "ident", "label", "value", "sort", "n")
    )
    properties = (
        ProductProperty.objects.filter(product_id__in=product_ids, property__is_filter=True)
        .order_by()
        .values("property_id", "value")
        .annotate(
            kind=Value(1),
            ident=F("property_id"),
            label=F("property__name"),
            sort=F("property__sort"),
            n=Count("pk"),
        )
        .values_list("kind", "ident", "label", "value", "sort", "n")
    )
    total = (
        result.order_by()
        .annotate(kind=Value(2), ident=Value(0), label=Value(""), value=Value(""), sort=Value(0))
        .values("kind", "ident", "label", "value", "sort")
        .annotate(n=Count("pk"))
        .values_list("kind", "ident", "label", "value", "sort", "n")
    )
    rows = list(brands.union(properties, total, all=True))
    # brands by name; properties by their sort order, then the most common values first
    rows.sort(key=lambda r: (r[0], r[4], r[2].lower(), r[1], -r[5] if r[0] else 0, r[3]))
    return rows
