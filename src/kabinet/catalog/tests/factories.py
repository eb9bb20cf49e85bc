"""Factories for the catalog and its prices and stock, and `catalog_make` for other apps' tests.

    data = catalog_make(partner)    # 3 products, one SKU each, priced for every active
    variant = data.variants[0]      # agreement of the partner, 10 in stock

See `catalog_make` for assortment rules and partner prices.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from kabinet.accounts.tests.factories import PriceTypeFactory
from kabinet.catalog.models import (
    Barcode,
    Brand,
    Product,
    ProductDocument,
    ProductImage,
    ProductProperty,
    Property,
    Section,
    Variant,
)
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.pricing.models import (
    AssortmentRule,
    PartnerPrice,
    Price,
    PriceType,
    Stock,
    Warehouse,
)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Section {n}")
    ext_id = factory.Sequence(lambda n: f"section-{n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    ext_id = factory.Sequence(lambda n: f"brand-{n}")


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    name = factory.Sequence(lambda n: f"Property {n}")
    ext_id = factory.Sequence(lambda n: f"property-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    section = factory.SubFactory(SectionFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    article = factory.Sequence(lambda n: f"ART-{n:05d}")
    erp_code = factory.Sequence(lambda n: f"{n:09d}")
    ext_id = factory.Sequence(lambda n: f"product-{n}")
    vat_rate = Decimal("10.00")


class ProductPropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductProperty

    product = factory.SubFactory(ProductFactory)
    property = factory.SubFactory(PropertyFactory)
    value = factory.Sequence(lambda n: f"value {n}")


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    file = factory.django.FileField(filename="image.png", data=b"\x89PNG\r\n\x1a\n")


class ProductDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductDocument

    product = factory.SubFactory(ProductFactory)
    kind = ProductDocument.Kind.REGISTRATION
    title = factory.Sequence(lambda n: f"Registration certificate {n}")
    ext_id = factory.Sequence(lambda n: f"document-{n}")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 certificate", name="doc.pdf"))


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    ext_id = factory.Sequence(lambda n: f"variant-{n}")


class BarcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barcode

    variant = factory.SubFactory(VariantFactory)
    code = factory.Sequence(lambda n: f"460{n:010d}")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    ext_id = factory.Sequence(lambda n: f"warehouse-{n}")


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    price_type = factory.SubFactory(PriceTypeFactory)
    variant = factory.SubFactory(VariantFactory)
    amount = Decimal("100.00")


class PartnerPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerPrice

    variant = factory.SubFactory(VariantFactory)
    amount = Decimal("90.00")


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    variant = factory.SubFactory(VariantFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    quantity = Decimal("10")


class AssortmentRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssortmentRule


@dataclass
class CatalogData:
    section: Section
    price_types: list[PriceType]
    warehouse: Warehouse
    products: list[Product] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)


def catalog_make(
    partner=None,
    *,
    products: int = 3,
    variants_per_product: int = 1,
    price: Decimal | str = "100.00",
    stock: Decimal | str = "10",
    price_types=None,
    assortment_rules: bool = False,
    partner_prices: bool = False,
    section: Section | None = None,
) -> CatalogData:
    """A section of products with barcodes, priced and in stock, orderable by `partner`.

    Prices go to `price_types`, or to the price types of the partner's active agreements (a
    fresh price type when there is no partner). `assortment_rules`: limit each of the partner's
    agreements to this section; `partner_prices`: give the partner a fixed price on the first
    SKU and a 10% discount on the second. Search texts are written and catalog caches dropped,
    as the 1C exchange does.
    """
    agreements = []
    if partner is not None:
        from kabinet.accounts.models import Agreement

        agreements = list(Agreement.objects.filter(counterparty__partner=partner, is_active=True))
    if price_types is None:
        price_types = [a.price_type for a in agreements if a.price_type_id] or [PriceTypeFactory()]
    section = section or SectionFactory()
    warehouse = WarehouseFactory()
    data = CatalogData(section=section, price_types=list(price_types), warehouse=warehouse)
    for _n in range(products):
        product = ProductFactory(section=section)
        data.products.append(product)
        for v in range(variants_per_product):
            size = f"{40 + 2 * v}" if variants_per_product > 1 else ""
            variant = VariantFactory(product=product, size=size, name=size, sort=v)
            BarcodeFactory(variant=variant)
            for price_type in data.price_types:
                PriceFactory(price_type=price_type, variant=variant, amount=Decimal(price))
            StockFactory(variant=variant, warehouse=warehouse, quantity=Decimal(stock))
            data.variants.append(variant)
    if partner is not None and assortment_rules:
        for agreement in agreements:
            AssortmentRuleFactory(agreement=agreement, section=section)
    if partner is not None and partner_prices and data.variants:
        PartnerPriceFactory(partner=partner, variant=data.variants[0], amount=Decimal("77.00"))
        if len(data.variants) > 1:
            PartnerPriceFactory(
                partner=partner, variant=data.variants[1], amount=None, discount_percent=10
            )
    product_search_text_refresh([p.pk for p in data.products])
    catalog_cache_clear()
    return data
