"""Carts for tests: `cart_make(...)`, bulk catalog rows for big carts, the isolation victim's carts.

    cart = cart_make(owner=user, lines={variant: 2})                   # the working cart
    saved = cart_make(owner=user, name="Weekly", shared=True, lines={variant: 5})
    variants = variants_bulk_make(price_type, n=500)                   # a few INSERTs

Rows are written directly (a stale line — a variant deactivated after it was added — is just
a row too); tests change carts through the real services.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import F
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Agreement, User
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.models import Cart, CartLine
from kabinet.catalog.models import Product, Section, Variant
from kabinet.catalog.tests.factories import catalog_make
from kabinet.pricing.models import Price, Stock, Warehouse


def cart_make(
    *,
    owner: User,
    agreement: Agreement | None = None,
    name: str = "",
    shared: bool = False,
    lines: dict | None = None,
) -> Cart:
    """A cart of `owner` for `agreement`'s counterparty (default: the head company's agreement).

    `lines`: {Variant or variant id: quantity}.
    """
    if agreement is None:
        agreement = (
            Agreement.objects.filter(counterparty__partner_id=owner.partner_id, is_active=True)
            .select_related("counterparty", "price_type")
            .order_by(F("counterparty__parent_id").asc(nulls_first=True), "pk")
            .first()
        )
    cart = Cart.objects.create(
        partner_id=owner.partner_id,
        owner=owner,
        counterparty_id=agreement.counterparty_id,
        agreement=agreement,
        name=name,
        shared=shared,
    )
    CartLine.objects.bulk_create(
        CartLine(cart=cart, variant_id=getattr(variant, "pk", variant), quantity=Decimal(qty))
        for variant, qty in (lines or {}).items()
    )
    return cart


def variants_bulk_make(
    price_type, *, n: int, price: str = "10.00", stock: str = "1000", vat: str = "20.00", **product
) -> list[Variant]:
    """`n` priced products of one SKU each, in stock, written with a few bulk INSERTs."""
    section = Section.objects.create(name="Bulk section")
    warehouse = Warehouse.objects.create(name="Bulk warehouse")
    products = Product.objects.bulk_create(
        Product(
            section=section,
            name=f"Bulk product {i:04d}",
            article=f"BULK-{i:04d}",
            vat_rate=Decimal(vat),
            weight_kg=Decimal("0.5"),
            **product,
        )
        for i in range(n)
    )
    variants = Variant.objects.bulk_create(Variant(product=p) for p in products)
    Price.objects.bulk_create(
        Price(price_type=price_type, variant=v, amount=Decimal(price)) for v in variants
    )
    Stock.objects.bulk_create(
        Stock(variant=v, warehouse=warehouse, quantity=Decimal(stock)) for v in variants
    )
    return variants


def victim_carts_make(partner) -> list[Cart]:
    """For the isolation walk: the victim's working cart and a shared saved cart, with lines."""
    owner = User.objects.filter(partner=partner).order_by("pk").first() or UserFactory(
        partner=partner, email=f"cart-owner-{partner.pk}@example.com"
    )
    goods = catalog_make(partner, products=2)
    quantities = {goods.variants[0]: 3, goods.variants[1]: 5}
    return [
        cart_make(owner=owner, lines=quantities),
        cart_make(owner=owner, name="Omega weekly restock", shared=True, lines=quantities),
    ]


def english_client(user):
    """A logged-in client with the interface in English (texts asserted as written)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
