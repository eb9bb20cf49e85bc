"""Products shaped like the sample order files, and import jobs for other apps' tests.

    product = product_make(partner, article="АС-500", barcodes=["4601234567893"])
    job = import_jobs_make(partner)     # the isolation walker's victim rows

Products are written with the catalog's factories and priced for every active agreement of the
partner (or not at all: `priced=False` — the product exists, but not in the assortment).
"""

from decimal import Decimal

from kabinet.accounts.models import Agreement, User
from kabinet.accounts.tests.factories import UserFactory
from kabinet.catalog.models import Product
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.catalog.tests.factories import (
    BarcodeFactory,
    PriceFactory,
    ProductFactory,
    SectionFactory,
    StockFactory,
    VariantFactory,
    WarehouseFactory,
)
from kabinet.imports.models import ColumnMappingMemory, ImportJob, ImportRow, PartnerProductCode

_warehouse = None


def price_types_of(partner) -> list:
    return [
        agreement.price_type
        for agreement in Agreement.objects.filter(counterparty__partner=partner, is_active=True)
        .exclude(price_type=None)
        .select_related("price_type")
    ]


def product_make(
    partner,
    *,
    article: str,
    name: str | None = None,
    barcodes=(),
    sizes=(),
    erp_code: str = "",
    price: str = "10.00",
    stock: str = "1000",
    unit: str = "шт",
    fractional: bool = False,
    multiple: str = "1",
    minimum: str = "1",
    active: bool = True,
    priced: bool = True,
) -> Product:
    """A product with one variant (or one per size), its barcodes (one list per variant when
    `sizes` are given), priced for the partner's agreements and in stock."""
    extra = {"erp_code": erp_code} if erp_code else {}
    product = ProductFactory(
        section=SectionFactory(),
        article=article,
        name=name or f"Товар {article}",
        unit=unit,
        fractional=fractional,
        order_multiple=Decimal(multiple),
        min_quantity=Decimal(minimum),
        is_active=active,
        **extra,
    )
    warehouse = WarehouseFactory()
    variants = []
    for index, size in enumerate(sizes or [""]):
        variant = VariantFactory(product=product, name=size, size=size, sort=index)
        codes = barcodes[index] if sizes and index < len(barcodes) else ([] if sizes else barcodes)
        for code in [codes] if isinstance(codes, str) else codes:
            BarcodeFactory(variant=variant, code=code)
        if priced:
            for price_type in price_types_of(partner):
                PriceFactory(price_type=price_type, variant=variant, amount=Decimal(price))
        if Decimal(stock):
            StockFactory(variant=variant, warehouse=warehouse, quantity=Decimal(stock))
        variants.append(variant)
    product.test_variants = variants
    product_search_text_refresh([product.pk])
    catalog_cache_clear()
    return product


def import_jobs_make(partner) -> ImportJob:
    """For the isolation walk: a checked job of the partner's first user, with rows, a
    remembered mapping and a partner code."""
    user = User.objects.filter(partner=partner).order_by("pk").first() or UserFactory(
        partner=partner, email=f"importer-{partner.pk}@example.com"
    )
    agreement = (
        Agreement.objects.filter(counterparty__partner=partner, is_active=True)
        .order_by("pk")
        .first()
    )
    product = product_make(partner, article="OMEGA-ART-77", name="Omega secret bandage")
    job = ImportJob.objects.create(
        partner=partner,
        user=user,
        counterparty=agreement.counterparty,
        agreement=agreement,
        file_name="omega-secret-order.xlsx",
        format="xlsx",
        sheets=[{"name": "Omega sheet", "hidden": False, "rows": 2, "width": 2}],
        preview={"Omega sheet": [["Артикул", "Количество"], ["OMEGA-ART-77", 5]]},
        sheet_name="Omega sheet",
        mapping={"header_row": 0, "columns": {"article": 0, "quantity": 1}},
        match_order=["article", "barcode", "erp_code", "partner_code", "name"],
        layout_signature="omega-layout-signature",
        status=ImportJob.Status.MATCHED,
        rows_total=1,
        rows_ok=1,
    )
    ImportRow.objects.create(
        job=job,
        row_number=2,
        cells=["OMEGA-ART-77", 5],
        identifiers={"article": "OMEGA-ART-77"},
        quantity_text="5",
        quantity=Decimal(5),
        variant=product.test_variants[0],
        matched_by="article",
    )
    ColumnMappingMemory.objects.create(
        user=user,
        layout_signature="omega-layout-signature",
        mapping={"columns": {"article": 0}, "order": []},
    )
    PartnerProductCode.objects.create(
        partner=partner, product=product, code="OMEGA-OWN-CODE", code_key="omega-own-code"
    )
    return job
