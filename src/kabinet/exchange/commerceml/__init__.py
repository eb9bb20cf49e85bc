"""Pure, streaming parsers for the CommerceML files 1C sends in "Обмен с сайтом".

File in, plain frozen dataclasses out (see `model`); no database, no Django. Each file is read
with lxml ``iterparse`` and every item is freed once built, so memory stays flat whatever the
file size. Research and sources: ``shared/design/COMMERCEML.md``.

Routing — by content, never by file name::

    kind = detect(path)          # FileKind.CATALOG, OFFERS, PRICES, RESTS, DOCUMENTS,
                                 # COUNTERPARTIES, EMPTY or UNKNOWN

Reading — each ``read_*`` returns a single-pass iterator that is also a context manager; the
header attributes are filled as soon as it is opened (the file is parsed up to the first item)::

    with read_catalog(path, classifier=known) as catalog:      # CATALOG
        catalog.schema_version   # "2.07", "3.1"… (root ВерсияСхемы)
        catalog.classifier       # Classifier | None: groups (flattened tree, parent first),
                                 # properties with dictionary values, price types, warehouses,
                                 # units, categories
        catalog.header           # CatalogHeader | None: id, classifier_id, name, only_changes,
                                 # schema_version
        while batch := list(itertools.islice(catalog, 1000)):
            ...                  # Product items, a thousand at a time

    with read_offers(path, classifier=known) as offers:        # OFFERS, PRICES, RESTS
        offers.package           # OfferPackage | None: ids, only_changes, price types,
                                 # warehouses (2.09+/3.1 list those in the classifier instead),
                                 # schema_version
        offers.classifier        # Classifier | None (3.1 offers files define variant properties)
        for offer in offers:
            ...                  # Offer items

    with read_documents(path) as documents:                    # DOCUMENTS
        for document in documents:
            ...                  # Document items (orders) with lines and counterparties

    with read_counterparties(path) as counterparties: ...      # COUNTERPARTIES

    read_classifier(path)        # just the Classifier of any file, or None

Shapes (all in `model`):

* Product: xml_id (Ид as written), id (before '#'), variant_id (after '#' or None), article,
  name, group_ids, description, images (path, description), properties {property id: (values,)}
  with dictionary ids resolved to text, requisites {name: value}, vat_rate (Decimal percent or
  None), taxes ((name, rate),), barcode, characteristics ((name, value),), deleted, unit,
  manufacturer, brand.
* Offer: xml_id, product_id, variant_id, article, name, barcode, characteristics, properties,
  prices ((price_type_id, amount, currency, unit, factor, min_quantity),) | None, quantity | None,
  stock {warehouse id: Decimal} | None, deleted, unit, group_ids (products sent
  as offers by the 1C-Bitrix add-on for УТ 10). None = "not in this file" (split and
  changes-only packages): never read it as zero.
* Document: id, number, date, time, operation (ХозОперация), role, currency, rate, amount,
  comment, counterparties, lines (DocumentLine: ids, name, price, quantity, amount, unit,
  vat_rate, characteristics, requisites), requisites {name: value} ("Статус заказа",
  "Проведен"…), number_1c, date_1c, version, deleted, posted; `status` property.

Variants arrive four ways and all end up as (product id, variant id, characteristics):
``Товар`` with ``Ид="p#c"`` + ХарактеристикиТовара in import (2.04); ``Предложение`` with
``Ид="p#c"`` + ХарактеристикиТовара (2.05–2.07); ``Ид="p#c"`` without them (name suffix only,
characteristics empty); 3.1 ``Ид="p#c"`` with ЗначенияСвойств, named through the classifier of
properties/…/offers.xml — pass it as ``classifier=`` when reading goods/…/offers.xml.

Values: stripped, blank → None; Decimal from "1 719,50" or "1719.50"; namespaces ignored
(none, urn:1C.ru:commerceml_2, _210, _3); UTF-8 and Windows-1251, with or without BOM.
Errors: CommerceMLError(message, file, line, xml_path) for malformed XML, any DOCTYPE (entity
bombs, external entities), a root that is not CommerceML, or values that cannot be read.
"""

from kabinet.exchange.commerceml.catalog import CatalogReader, read_catalog
from kabinet.exchange.commerceml.detect import detect
from kabinet.exchange.commerceml.documents import (
    CounterpartiesReader,
    DocumentsReader,
    read_counterparties,
    read_documents,
)
from kabinet.exchange.commerceml.errors import CommerceMLError
from kabinet.exchange.commerceml.model import (
    CatalogHeader,
    Category,
    Classifier,
    Counterparty,
    Document,
    DocumentLine,
    FileKind,
    Group,
    Image,
    Offer,
    OfferPackage,
    Price,
    PriceType,
    Product,
    Property,
    Unit,
    Warehouse,
)
from kabinet.exchange.commerceml.offers import OffersReader, read_offers
from kabinet.exchange.commerceml.reader import read_classifier

__all__ = [
    "CatalogHeader",
    "CatalogReader",
    "Category",
    "Classifier",
    "CommerceMLError",
    "CounterpartiesReader",
    "Counterparty",
    "Document",
    "DocumentLine",
    "DocumentsReader",
    "FileKind",
    "Group",
    "Image",
    "Offer",
    "OfferPackage",
    "OffersReader",
    "Price",
    "PriceType",
    "Product",
    "Property",
    "Unit",
    "Warehouse",
    "detect",
    "read_catalog",
    "read_classifier",
    "read_counterparties",
    "read_documents",
    "read_offers",
]
