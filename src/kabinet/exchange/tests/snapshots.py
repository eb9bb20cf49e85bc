"""The database as partners see it, keyed by 1C ids (never by primary keys, which differ from
run to run): to prove that an import changed nothing, or ended like another one."""

from kabinet.catalog.models import Barcode, Product, ProductProperty, Section, Variant
from kabinet.orders.models import Order, OrderLine
from kabinet.pricing.models import Price, PriceType, Stock, Warehouse


def catalog_snapshot() -> dict[str, set]:
    return {
        "sections": set(
            Section.objects.values_list("ext_id", "name", "parent__ext_id", "is_active")
        ),
        "products": set(
            Product.objects.values_list(
                "ext_id",
                "name",
                "article",
                "erp_code",
                "description",
                "section__ext_id",
                "brand__name",
                "unit",
                "vat_rate",
                "weight_kg",
                "is_active",
                "search_text",
                "updated_at",
            )
        ),
        "properties": set(
            ProductProperty.objects.values_list("product__ext_id", "property__ext_id", "value")
        ),
        "variants": set(
            Variant.objects.values_list(
                "ext_id", "product__ext_id", "name", "color", "size", "is_active"
            )
        ),
        "barcodes": set(Barcode.objects.values_list("variant__ext_id", "code")),
        "price_types": set(PriceType.objects.values_list("ext_id", "name", "currency")),
        "warehouses": set(Warehouse.objects.values_list("ext_id", "name", "is_active")),
        "prices": set(Price.objects.values_list("variant__ext_id", "price_type__ext_id", "amount")),
        "stock": set(Stock.objects.values_list("variant__ext_id", "warehouse__ext_id", "quantity")),
    }


def without_times(snapshot: dict) -> dict:
    """The catalog snapshot less the products' updated_at (the last column)."""
    return {**snapshot, "products": {row[:-1] for row in snapshot["products"]}}


def orders_snapshot() -> dict[str, set]:
    return {
        "orders": set(
            Order.objects.values_list(
                "ext_id", "number", "erp_number", "status", "total", "counterparty__ext_id"
            )
        ),
        "lines": set(
            OrderLine.objects.values_list(
                "order__ext_id", "variant__ext_id", "quantity", "confirmed_quantity", "price"
            )
        ),
        "events": {(ext_id, count) for ext_id, count in _event_counts()},
    }


def _event_counts():
    from django.db.models import Count

    return Order.objects.annotate(n=Count("events")).values_list("ext_id", "n")
