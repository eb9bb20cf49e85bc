"""A realistic medical-device supplier's partners, reusable at any size.

`demo_generate(partners=20)` gives the demo; benchmarks call it with 1,000 partners. Rows are
written with bulk inserts, a few statements per table whatever the size, and every password
hash is computed once (all demo users share the demo password).
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    Section,
    User,
)
from kabinet.accounts.roles import MANAGER_GROUP
from kabinet.accounts.services import password_temporary_hash
from kabinet.conversations.demo import conversations_demo_generate
from kabinet.demo import names
from kabinet.demo.catalog import CatalogResult, catalog_generate
from kabinet.demo.finance import FinanceResult, finance_generate
from kabinet.demo.orders_history import HistoryResult, orders_history_generate
from kabinet.events.demo import events_demo_generate
from kabinet.pricing.models import PriceType
from kabinet.pricing.services import price_version_bump

DEMO_PASSWORD = "demo-kabinet"
DEMO_TEMPORARY_PASSWORD = "Temp-2026-start"
PRICE_TYPES = [
    ("pt-base", "Базовая"),
    ("pt-wholesale", "Оптовая"),
    ("pt-large", "Крупный опт"),
]


@dataclass
class DemoLogin:
    role: str
    login: str
    password: str
    note: str = ""


@dataclass
class DemoResult:
    partners: int = 0
    counterparties: int = 0
    agreements: int = 0
    addresses: int = 0
    users: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    catalog: CatalogResult | None = None
    history: HistoryResult | None = None
    conversations: dict[str, int] = field(default_factory=dict)
    finance: FinanceResult | None = None


def inn_legal(rng: random.Random, region: str) -> str:
    """A 10-digit legal-entity INN with a valid check digit."""
    digits = [int(c) for c in region] + [rng.randint(0, 9) for _ in range(7)]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    digits.append(sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)
    return "".join(map(str, digits))


def _person(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(names.LAST_NAMES_F)} {rng.choice(names.FIRST_NAMES[:8])}"
    return f"{rng.choice(names.LAST_NAMES_M)} {rng.choice(names.FIRST_NAMES[8:])}"


def _address(rng: random.Random, city: str) -> str:
    return f"г. {city}, {rng.choice(names.STREETS)}, д. {rng.randint(1, 180)}"


@transaction.atomic
def demo_generate(
    *,
    partners: int = 20,
    skus: int = 5000,
    months: int = 24,
    orders_per_partner_month: float = 4,
    seed: int = 2026,
) -> DemoResult:
    """Create price types, supplier staff and `partners` partners with everything around them,
    then a catalog of `skus` SKUs (none if 0) and `months` of their orders and of their
    finance — payments, schedule, debts, acts — (none if 0)."""
    rng = random.Random(seed)
    result = DemoResult()
    password_hash = make_password(DEMO_PASSWORD)

    price_types = [
        PriceType.objects.get_or_create(ext_id=ext_id, defaults={"name": name})[0]
        for ext_id, name in PRICE_TYPES
    ]
    admin = User.objects.create(
        email="admin@demo.kabinet",
        full_name="Администратор поставщика",
        is_staff=True,
        is_superuser=True,
        password=password_hash,
    )
    managers = User.objects.bulk_create(
        [
            User(
                email=f"manager{i}@demo.kabinet",
                phone=f"+7495100000{i}",
                full_name=_person(rng),
                position="Менеджер по работе с клиентами",
                is_staff=True,
                password=password_hash,
            )
            for i in range(1, 4)
        ]
    )
    manager_group = Group.objects.filter(name=MANAGER_GROUP).first()
    if manager_group is not None:
        manager_group.user_set.add(*managers)
    result.logins.append(DemoLogin("supplier administrator (/admin/)", admin.email, DEMO_PASSWORD))

    partner_rows = []
    for i in range(partners):
        kind, _short = names.PARTNER_KINDS[i % len(names.PARTNER_KINDS)]
        base = names.PARTNER_NAMES[i % len(names.PARTNER_NAMES)]
        suffix = f" {i // len(names.PARTNER_NAMES) + 1}" if i >= len(names.PARTNER_NAMES) else ""
        partner_rows.append(
            Partner(
                ext_id=f"partner-{i + 1:05d}",
                name=f"{kind} «{base}»{suffix}",
                manager=managers[i % len(managers)],
            )
        )
    partner_objs = Partner.objects.bulk_create(partner_rows)

    heads, subsidiaries_plan = [], []
    for i, partner in enumerate(partner_objs):
        city, region = names.CITIES[i % len(names.CITIES)]
        base = partner.name.split("«")[1].split("»")[0]
        heads.append(
            Counterparty(
                ext_id=f"cp-{i + 1:05d}-0",
                partner=partner,
                name=f"ООО «{base}»",
                inn=inn_legal(rng, region),
                kpp=f"{region}0101001",
                legal_address=_address(rng, city),
            )
        )
        subsidiaries_plan.append((partner, base, city, region, rng.choice([0, 0, 1, 2, 3])))
    heads = Counterparty.objects.bulk_create(heads)

    subsidiaries = []
    for (partner, base, _city, _region, count), head in zip(subsidiaries_plan, heads, strict=True):
        for n in range(1, count + 1):
            sub_city, sub_region = rng.choice(names.CITIES)
            subsidiaries.append(
                Counterparty(
                    ext_id=f"{head.ext_id[:-2]}-{n}",
                    partner=partner,
                    parent=head,
                    name=f"ООО «{base}-{sub_city}»",
                    inn=inn_legal(rng, sub_region),
                    kpp=f"{sub_region}0101001",
                    legal_address=_address(rng, sub_city),
                )
            )
    subsidiaries = Counterparty.objects.bulk_create(subsidiaries)
    counterparties = heads + subsidiaries

    agreements, addresses = [], []
    for counterparty in counterparties:
        city = counterparty.legal_address.split(",")[0].removeprefix("г. ")
        for n in range(rng.choice([1, 1, 2])):
            number = f"{rng.randint(100, 999)}/{24 + n}"
            agreements.append(
                Agreement(
                    ext_id=f"ag-{counterparty.ext_id}-{n}",
                    counterparty=counterparty,
                    name=f"Договор поставки № {number}",  # as 1C names it: the number inside
                    number=number,
                    price_type=price_types[rng.randrange(len(price_types))],
                    payment_deferral_days=rng.choice([0, 14, 30, 45, 60]),
                    credit_limit=Decimal(rng.choice([0, 100_000, 300_000, 500_000, 1_000_000])),
                )
            )
        for n in range(rng.randint(1, 3)):
            addresses.append(
                DeliveryAddress(
                    ext_id=f"addr-{counterparty.ext_id}-{n}",
                    counterparty=counterparty,
                    address=_address(rng, city),
                )
            )
    Agreement.objects.bulk_create(agreements, batch_size=2000)
    DeliveryAddress.objects.bulk_create(addresses, batch_size=2000)

    users = []
    temporary_hash = password_temporary_hash(DEMO_TEMPORARY_PASSWORD)
    for i, partner in enumerate(partner_objs):
        number = i + 1
        users.append(
            User(
                email=f"admin{number}@partner.demo",
                full_name=_person(rng),
                position="Директор",
                partner=partner,
                sections=ALL_SECTIONS,
                password=password_hash,
            )
        )
        users.append(
            User(
                email=f"buyer{number}@partner.demo",
                phone=f"+7912{number:07d}",
                full_name=_person(rng),
                position="Менеджер по закупкам",
                partner=partner,
                sections=[Section.CATALOG, Section.ORDERS],
                password=password_hash,
            )
        )
        users.append(
            User(
                email=f"accountant{number}@partner.demo",
                full_name=_person(rng),
                position="Бухгалтер",
                partner=partner,
                sections=[Section.ORDERS, Section.FINANCE, Section.REPORTS],
                password=password_hash,
            )
        )
        users.append(
            User(
                email=f"new{number}@partner.demo",
                full_name=_person(rng),
                position=rng.choice(names.POSITIONS),
                partner=partner,
                sections=[Section.CATALOG, Section.ORDERS],
                password=temporary_hash,
                must_change_password=True,
            )
        )
    User.objects.bulk_create(users, batch_size=2000)

    result.partners = len(partner_objs)
    result.counterparties = len(counterparties)
    result.agreements = len(agreements)
    result.addresses = len(addresses)
    result.users = len(users) + len(managers) + 1
    if partner_objs:
        first = partner_objs[0].name
        result.logins += [
            DemoLogin("partner administrator", "admin1@partner.demo", DEMO_PASSWORD, first),
            DemoLogin(
                "buyer (catalog, orders)",
                "buyer1@partner.demo",
                DEMO_PASSWORD,
                "or by phone +79120000001",
            ),
            DemoLogin(
                "accountant (orders, finance, reports)", "accountant1@partner.demo", DEMO_PASSWORD
            ),
            DemoLogin(
                "new employee, temporary password",
                "new1@partner.demo",
                DEMO_TEMPORARY_PASSWORD,
                "asked to choose a password at first login",
            ),
        ]
    result.logins.append(DemoLogin("supplier manager (/admin/)", managers[0].email, DEMO_PASSWORD))
    events_demo_generate(partners=partner_objs, seed=seed)
    if skus:
        result.catalog = catalog_generate(skus=skus, seed=seed)
        price_version_bump()  # bulk inserts: no saves told the price lists
        if months:
            result.history = orders_history_generate(
                months=months, orders_per_partner_month=orders_per_partner_month, seed=seed
            )
            # A few partners talk to their managers and claim deliveries (messages, claims).
            result.conversations = conversations_demo_generate(partners=partner_objs[:3], seed=seed)
    if months and partner_objs:
        result.finance = finance_generate(months=months, seed=seed)
    return result
