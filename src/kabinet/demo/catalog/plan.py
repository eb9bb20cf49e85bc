"""The catalog in memory: sections, brands, products and variants as plain rows, no ORM.

Made from the word lists in `demo.names`; deterministic for a given `random.Random`.
"""

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from kabinet.core.money import money
from kabinet.demo import names

PROPERTIES = [
    "Материал",
    "Стерильность",
    "Страна производства",
    "Класс риска",
    "Пудра",
    "Упаковка",
    "Срок годности",
]
FILTER_PROPERTIES = {"Материал", "Стерильность", "Страна производства", "Класс риска", "Пудра"}
WAREHOUSES = [
    ("wh-msk", "Москва"),
    ("wh-spb", "Санкт-Петербург"),
    ("wh-ekb", "Екатеринбург"),
    ("wh-nsk", "Новосибирск"),
    ("wh-krd", "Краснодар"),
]
# Share of SKUs in stock at each warehouse, the main one first.
IN_STOCK_SHARE = [0.85, 0.65, 0.5, 0.45, 0.4]
# Below the base price: wholesale 7%, large wholesale 12%; further price types a step each.
PRICE_FACTORS = [Decimal("1"), Decimal("0.93"), Decimal("0.88")]
# Dental clinics and laboratories buy only from their own sections (agreement assortment).
LIMITED_ASSORTMENTS = {
    "Стоматология": [
        "Стоматология",
        "Перчатки",
        "Маски и респираторы",
        "Антисептики и дезинфекция",
    ],
    "Лаборатория": ["Лабораторные расходники", "Диагностика", "Перчатки"],
}


def _values(text: str) -> list[str]:
    return text.split(";")


@dataclass(frozen=True, slots=True)
class Top:
    """A top section's defaults for its products (see names.CATALOG_OUTLINE)."""

    name: str
    kind: str
    unit: str
    multiple: Decimal
    minimum: Decimal
    vat_rate: Decimal
    price_from: float
    price_to: float
    risk_classes: tuple[str, ...]


@dataclass(slots=True)
class SectionRow:
    parent: int | None  # index in CatalogPlan.sections
    name: str
    sort: int
    ext_id: str
    top: Top
    noun: str = ""  # set on leaves, which hold products
    kind: str = ""


@dataclass(slots=True)
class VariantRow:
    ext_id: str
    name: str
    color: str
    size: str
    characteristics: dict
    sort: int
    barcode: str
    base_price: Decimal


@dataclass(slots=True)
class DocumentRow:
    kind: str
    title: str
    number: str
    valid_until: date | None


@dataclass(slots=True)
class ProductRow:
    ext_id: str
    section: int
    brand: int
    article: str
    erp_code: str
    name: str
    description: str
    unit: str
    fractional: bool
    vat_rate: Decimal
    order_multiple: Decimal
    min_quantity: Decimal
    properties: list[tuple[int, str]]
    documents: list[DocumentRow]
    variants: list[VariantRow] = field(default_factory=list)


@dataclass
class CatalogPlan:
    sections: list[SectionRow]
    brands: list[tuple[str, str, str, str]]  # names.BRANDS rows
    products: list[ProductRow]

    @property
    def variant_count(self) -> int:
        return sum(len(product.variants) for product in self.products)


def ean13(first12: str) -> str:
    """Append the EAN-13 check digit (weights 1 and 3 from the left)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def price_factor(index: int) -> Decimal:
    """How far the index-th price type (by pk) is below the base one."""
    if index < len(PRICE_FACTORS):
        return PRICE_FACTORS[index]
    return Decimal("0.98") - Decimal("0.01") * (index - len(PRICE_FACTORS))


def stock_quantities(rng: random.Random, multiple: Decimal, warehouses: int) -> list[Decimal]:
    """Stock of one SKU at each warehouse, in whole order multiples; some are out of stock."""
    return [
        multiple * rng.randint(1, 40 * (warehouses - i)) if rng.random() < share else Decimal(0)
        for i, share in enumerate(IN_STOCK_SHARE[:warehouses])
    ]


def uuid_from(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def sections_plan(rng: random.Random, limit: int) -> list[SectionRow]:
    """The section tree from names.CATALOG_OUTLINE, parents first, at most `limit` sections."""
    rows: list[SectionRow] = []
    stack: list[int] = []  # index of the current section at each level
    top: Top | None = None
    for line in names.CATALOG_OUTLINE.strip().splitlines():
        if len(rows) >= limit:
            break
        level = (len(line) - len(line.lstrip())) // 2
        parts = [part.strip() for part in line.split("|")]
        if level == 0:
            unit, multiple, minimum = parts[2].split()
            price_from, price_to = parts[4].split()
            top = Top(
                parts[0],
                parts[1],
                unit,
                Decimal(multiple),
                Decimal(minimum),
                Decimal(parts[3]),
                float(price_from),
                float(price_to),
                tuple(parts[5].split()),
            )
        del stack[level:]
        assert top is not None
        row = SectionRow(
            parent=stack[-1] if stack else None,
            name=parts[0],
            sort=100 * (len(rows) + 1),
            ext_id=uuid_from(rng),
            top=top,
        )
        if level and len(parts) > 1:
            row.noun = parts[1]
            row.kind = parts[2] if len(parts) > 2 else top.kind
        stack.append(len(rows))
        rows.append(row)
    return rows


def _variant_values(rng: random.Random, section: SectionRow) -> list[tuple[dict, float]]:
    """Characteristics of each variant of a new product and its price relative to the base."""
    kind, word = section.kind, section.noun.split()[0]
    if kind in ("gloves", "clothing"):
        colours = rng.sample(
            _values(names.GLOVE_COLOURS if kind == "gloves" else names.COLOURS), rng.randint(1, 3)
        )
        sizes = _values(names.VARIANT_VALUES[kind])
        big = {"56", "58", "60", "62"}
        return [
            ({"Цвет": colour, "Размер": size}, 1.05 if size in big else 1.0)
            for colour in colours
            for size in sizes
        ]
    if kind == "colours":
        return [({"Цвет": c}, 1.0) for c in rng.sample(_values(names.COLOURS), rng.randint(2, 4))]
    if kind in ("syringe", "insulin", "janet", "antiseptic"):
        values = _values(names.VARIANT_VALUES[kind])
        steps = {"syringe": 0.35, "insulin": 0.05, "janet": 0.2, "antiseptic": 1.6}[kind]
        base = 18.0 if kind == "janet" else 1.0
        start = rng.randrange(len(values) - 1) if kind == "antiseptic" else 0
        return [
            ({"Объём": value}, base * (1 + steps * i))
            for i, value in enumerate(values)
            if i >= start
        ]
    values_text = names.VARIANT_VALUES.get(kind) or names.VARIANT_VALUES.get(word)
    if kind == "single" or not values_text:
        return [({}, 1.0)]
    values = _values(values_text)
    count = rng.randint(min(len(values), 3), len(values))
    start = rng.randint(0, len(values) - count)
    step = 0.25 if kind == "dressing" else 0.02
    return [({"Размер": value}, 1 + step * i) for i, value in enumerate(values[start:][:count])]


def _product(
    rng: random.Random,
    plan: CatalogPlan,
    section_index: int,
    number: int,
    used_names: set[str],
    brands_by_top: dict[str, list[int]],
) -> ProductRow:
    section = plan.sections[section_index]
    top = section.top
    brand_index = rng.choice(brands_by_top.get(top.name) or range(len(plan.brands)))
    brand, country, _prefix, _tops = plan.brands[brand_index]
    noun, unit, multiple, minimum = section.noun, top.unit, top.multiple, top.minimum
    fractional = top.kind == "antiseptic" and section.kind == top.kind and rng.random() < 0.2
    properties = {"Страна производства": country}
    if top.kind == "gloves":
        properties["Пудра"] = "опудренные" if rng.random() < 0.2 else "неопудренные"
        if properties["Пудра"] == "опудренные" and section.kind != "single":
            noun += " опудренные"
    if section.kind == "surgical":
        unit, multiple, minimum = "пара", Decimal(50), Decimal(50)
    if fractional:  # sold by the litre from a canister
        unit, multiple, minimum, noun = "л", Decimal("0.5"), Decimal(5), noun + " на розлив"
    name = f"{noun} {brand} {rng.choice(_values(names.SERIES))}"
    while name in used_names:
        name = f"{name.rsplit(' ', 1)[0]} {rng.randint(2, 999)}"
    used_names.add(name)
    if top.name in names.MATERIALS:
        properties["Материал"] = rng.choice(_values(names.MATERIALS[top.name]))
    sterile = (
        "стерил" in noun
        or section.kind in ("surgical", "suture")
        or top.kind in ("syringe", "needle", "catheter")
        or top.name == "Системы инфузионные"
    )
    properties["Стерильность"] = "стерильно" if sterile else "нестерильно"
    if top.risk_classes:
        properties["Класс риска"] = rng.choice(top.risk_classes)
    if multiple > 1:
        properties["Упаковка"] = f"{multiple} {unit} в коробке"
    if rng.random() < 0.6:
        properties["Срок годности"] = rng.choice(["2 года", "3 года", "5 лет"])
    medical = top.vat_rate == 10
    product = ProductRow(
        ext_id=uuid_from(rng),
        section=section_index,
        brand=brand_index,
        article=f"{brand[:2].upper()}-{number:05d}",
        erp_code=f"00-{10000 + 3 * number + rng.randrange(3):08d}",
        name=name,
        description=f"{noun} торговой марки {brand}. "
        + ". ".join(f"{key}: {value}" for key, value in properties.items())
        + ".",
        unit=unit,
        fractional=fractional,
        vat_rate=top.vat_rate,
        order_multiple=multiple,
        min_quantity=minimum,
        properties=[(PROPERTIES.index(key), value) for key, value in properties.items()],
        documents=_documents(rng, medical, country),
    )
    base = math.exp(rng.uniform(math.log(top.price_from), math.log(top.price_to)))
    values = [({}, 1.6)] if fractional else _variant_values(rng, section)
    for sort, (characteristics, ratio) in enumerate(values):
        colour, size = characteristics.get("Цвет", ""), characteristics.get("Размер", "")
        product.variants.append(
            VariantRow(
                ext_id=f"{product.ext_id}#{uuid_from(rng)}" if characteristics else product.ext_id,
                name=", ".join(characteristics.values()),
                color=colour,
                size=size or characteristics.get("Объём", ""),
                characteristics=characteristics,
                sort=sort,
                barcode="",
                base_price=money(Decimal(str(round(base * ratio, 2)))),
            )
        )
    return product


def _documents(rng: random.Random, medical: bool, country: str) -> list[DocumentRow]:
    today = timezone.localdate()
    if not medical:
        number = f"ЕАЭС N RU Д-RU.РА01.В.{rng.randint(10000, 99999)}/{rng.randint(21, 25)}"
        valid = today + timedelta(days=rng.randint(-60, 5 * 365))
        return [DocumentRow("certificate", f"Декларация о соответствии {number}", number, valid)]
    number = f"РЗН {rng.randint(2012, 2024)}/{rng.randint(1000, 25999)}"
    # Most registration certificates are open-ended; some old ones have a date, a few passed.
    valid = None if rng.random() < 0.6 else today + timedelta(days=rng.randint(-90, 6 * 365))
    documents = [
        DocumentRow("registration", f"Регистрационное удостоверение № {number}", number, valid)
    ]
    if rng.random() < 0.3:
        documents.append(DocumentRow("instruction", "Инструкция по применению", "", None))
    return documents


def catalog_plan(rng: random.Random, *, skus: int, sections: int = 150) -> CatalogPlan:
    """Sections, brands and products whose variants add up to exactly `skus`."""
    plan = CatalogPlan(sections=sections_plan(rng, sections), brands=names.BRANDS, products=[])
    leaves = [i for i, section in enumerate(plan.sections) if section.noun]
    brands_by_top: dict[str, list[int]] = {}
    for index, brand in enumerate(plan.brands):
        for top in brand[3].split(";"):
            brands_by_top.setdefault(top, []).append(index)
    used_names: set[str] = set()
    total = 0
    while total < skus and leaves:
        rng.shuffle(leaves)
        for section_index in leaves:
            product = _product(
                rng, plan, section_index, len(plan.products) + 1, used_names, brands_by_top
            )
            del product.variants[skus - total :]
            for variant in product.variants:
                prefix = plan.brands[product.brand][2]
                variant.barcode = ean13(f"{prefix}{product.brand:02d}{total:07d}")
                total += 1
            plan.products.append(product)
            if total >= skus:
                break
    return plan
