"""The price version moves with every ORM save or delete of what a price list shows.

Not domain flow (no step of a use case hangs on it) but a cache's safety net: the admin, its
inlines and any service that saves these rows move the version in their own transaction
without having to remember. Writers that bypass the ORM's saves (the 1C importer's upserts,
bulk loads) call `pricing.services.price_version_bump` themselves.
"""

from django.db.models.signals import post_delete, post_save


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the version is part of the data being loaded
        return
    from kabinet.pricing.services import price_version_bump

    price_version_bump()


def price_version_signals_connect() -> None:
    from django.apps import apps

    for label in (
        "pricing.Price",
        "pricing.PartnerPrice",
        "pricing.Stock",
        "pricing.Warehouse",
        "pricing.PriceType",
        "pricing.AssortmentRule",
        "catalog.Section",
        "catalog.Product",
        "catalog.Variant",
        "catalog.Barcode",
        "accounts.Agreement",
    ):
        model = apps.get_model(label)
        post_save.connect(_bump, sender=model, dispatch_uid=f"price-version-save-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"price-version-delete-{label}")
