"""What the CommerceML parsers return: frozen, slotted dataclasses of plain values.

Conventions: ids and texts are stripped strings, None when absent or blank; money and quantities
are Decimal; sequences are tuples; mappings are plain dicts (treat them as read-only).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal


class FileKind(enum.StrEnum):
    """What a file holds, decided from its content (never from its name). See `detect`."""

    CATALOG = "catalog"  # Классификатор and/or Каталог (import*.xml, 3.1 goods/ and properties/)
    OFFERS = "offers"  # ПакетПредложений with names/characteristics, or prices and stock together
    PRICES = "prices"  # ПакетПредложений whose offers carry only Ид + Цены (prices*.xml)
    RESTS = "rests"  # ПакетПредложений whose offers carry only Ид + stock (rests*.xml)
    DOCUMENTS = "documents"  # Документ elements (orders), also wrapped in 3.1 Контейнер
    COUNTERPARTIES = "counterparties"  # a Контрагенты list (1C-Bitrix module)
    EMPTY = "empty"  # a CommerceML root with nothing inside (Bitrix "no orders" answer)
    UNKNOWN = "unknown"  # well-formed XML, but not CommerceML we know


# --- Classifier (Классификатор) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """Группа: the tree comes flattened, every parent before its children."""

    id: str
    name: str | None
    parent_id: str | None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Property:
    """Свойство / СвойствоНоменклатуры; `values` maps ИдЗначения → Значение (Справочник type)."""

    id: str
    name: str | None
    value_type: str | None  # Строка, Число, Справочник, Время…
    multiple: bool = False
    values: dict[str, str] = field(default_factory=dict)
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class PriceType:
    id: str
    name: str | None
    currency: str | None
    tax_name: str | None = None
    tax_included: bool | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Warehouse:
    id: str
    name: str | None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of measure: a classifier ЕдиницаИзмерения or an item's БазоваяЕдиница/Единица.

    `code` is the OKEI code (796 = штука), `name` the short name (шт).
    """

    id: str | None
    code: str | None
    name: str | None
    full_name: str | None = None
    international_abbr: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    """Категория (2.08+): a product category and the properties that apply to it."""

    id: str
    name: str | None
    property_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Classifier:
    id: str | None
    name: str | None
    only_changes: bool = False
    groups: tuple[Group, ...] = ()
    properties: tuple[Property, ...] = ()
    price_types: tuple[PriceType, ...] = ()
    warehouses: tuple[Warehouse, ...] = ()
    units: tuple[Unit, ...] = ()
    categories: tuple[Category, ...] = ()


# --- Catalog (Каталог/Товары/Товар) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogHeader:
    """The Каталог element without its products. `only_changes` False means a full snapshot."""

    id: str | None
    classifier_id: str | None
    name: str | None
    only_changes: bool = False
    schema_version: str | None = None  # ВерсияСхемы of the file: "2.07", "3.1"…


@dataclass(frozen=True, slots=True)
class Image:
    """Картинка: a path relative to the exchange upload folder (import_files/…)."""

    path: str
    description: str | None = None  # from the ОписаниеФайла requisite "path#description"


@dataclass(frozen=True, slots=True)
class Product:
    """Товар. `id` is the product part of Ид; `variant_id` the part after '#', if any.

    properties: property Ид → values, dictionary value ids already turned into their text when a
    classifier defined them. requisites: ЗначенияРеквизитов name → value (a repeated name keeps
    its values joined by a newline). vat_rate: the НДС rate in percent; None for "Без налога"
    or when not given (`taxes` keeps the raw (name, rate) pairs).
    """

    xml_id: str
    id: str
    variant_id: str | None
    article: str | None
    name: str | None
    group_ids: tuple[str, ...] = ()
    description: str | None = None
    images: tuple[Image, ...] = ()
    properties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    requisites: dict[str, str] = field(default_factory=dict)
    vat_rate: Decimal | None = None
    taxes: tuple[tuple[str, str], ...] = ()
    barcode: str | None = None
    characteristics: tuple[tuple[str, str], ...] = ()
    deleted: bool = False
    unit: Unit | None = None
    manufacturer: str | None = None
    brand: str | None = None


# --- Offers (ПакетПредложений/Предложения/Предложение) ------------------------------------


@dataclass(frozen=True, slots=True)
class OfferPackage:
    """The ПакетПредложений (or ИзмененияПакетаПредложений) element without its offers.

    price_types / warehouses are those listed in the package itself; 2.09+ and 3.1 exports list
    them in the classifier of import.xml instead, so they may be empty here.
    """

    id: str | None
    catalog_id: str | None
    classifier_id: str | None
    name: str | None
    only_changes: bool = False
    changes_package: bool = False  # True for ИзмененияПакетаПредложений
    price_types: tuple[PriceType, ...] = ()
    warehouses: tuple[Warehouse, ...] = ()
    schema_version: str | None = None  # ВерсияСхемы of the file: "2.07", "3.1"…


@dataclass(frozen=True, slots=True)
class Price:
    price_type_id: str
    amount: Decimal
    currency: str | None
    unit: str | None = None
    factor: Decimal | None = None
    min_quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    """Предложение: price and stock of one product or one variant (`variant_id`).

    None means "not in this file", which split and changes-only packages rely on: `prices` is
    None without a Цены element, `quantity` without Количество, `stock` without any Склад /
    Остатки row. Do not read None as zero. `quantity` is the total as stated; rests files give
    only per-warehouse rows in `stock`.
    group_ids: the Группы of an offer that describes a product (the 1C-Bitrix add-on for УТ 10
    sends its products as a ПакетПредложений); empty in every other export.
    characteristics: ХарактеристикиТовара pairs; for 3.1 variants (empty ХарактеристикиТовара)
    they are derived from ЗначенияСвойств whose property the classifier names.
    """

    xml_id: str
    product_id: str
    variant_id: str | None
    article: str | None = None
    name: str | None = None
    barcode: str | None = None
    characteristics: tuple[tuple[str, str], ...] = ()
    properties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    prices: tuple[Price, ...] | None = None
    quantity: Decimal | None = None
    stock: dict[str, Decimal] | None = None
    deleted: bool = False
    unit: Unit | None = None
    # Группы: the 1C-Bitrix add-on for УТ 10 describes products as offers, filed in groups.
    group_ids: tuple[str, ...] = ()


# --- Documents (orders) and counterparties --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counterparty:
    """Контрагент. `addresses` maps the element name (АдресРегистрации, ЮридическийАдрес,
    Адрес) to its Представление (or its АдресноеПоле values joined); `contacts` are (Тип, Значение).
    """

    id: str | None
    name: str | None
    full_name: str | None = None
    official_name: str | None = None
    role: str | None = None
    inn: str | None = None
    kpp: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    addresses: dict[str, str] = field(default_factory=dict)
    contacts: tuple[tuple[str, str], ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """Документ/Товары/Товар: one order line (delivery is a line with Ид ORDER_DELIVERY)."""

    xml_id: str | None
    product_id: str | None
    variant_id: str | None
    name: str | None
    article: str | None = None
    catalog_id: str | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    amount: Decimal | None = None
    unit: Unit | None = None
    factor: Decimal | None = None
    vat_rate: Decimal | None = None
    characteristics: tuple[tuple[str, str], ...] = ()
    requisites: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    """Документ (an order, either direction).

    number_1c / date_1c come from Номер1С / Дата1С or the requisites "Номер по 1С" / "Дата по
    1С"; `deleted` from ПометкаУдаления (element or requisite); `posted` from the "Проведен"
    requisite. Every requisite ("Статус заказа", "Дата оплаты по 1С"…) stays in `requisites`.
    """

    id: str | None
    number: str | None
    date: date | None
    time: time | None
    operation: str | None  # ХозОперация, "Заказ товара"
    role: str | None  # Роль, "Продавец"
    currency: str | None
    rate: Decimal | None
    amount: Decimal | None
    comment: str | None = None
    counterparties: tuple[Counterparty, ...] = ()
    lines: tuple[DocumentLine, ...] = ()
    requisites: dict[str, str] = field(default_factory=dict)
    number_1c: str | None = None
    date_1c: str | None = None
    version: str | None = None
    deleted: bool = False
    posted: bool | None = None

    @property
    def status(self) -> str | None:
        return self.requisites.get("Статус заказа")
