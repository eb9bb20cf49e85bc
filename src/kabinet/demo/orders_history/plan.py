"""Order history in memory: orders, lines, events and shipments as rows, no queries.

`orders_plan()` lives each order's life on the clock (see the package docstring) and yields
rows per table with ids chosen up front, in chunks, so 100,000 orders never sit in memory.
"""

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from kabinet.core.money import money, vat_of_gross
from kabinet.demo import names
from kabinet.demo.bulk import Table
from kabinet.demo.catalog.plan import uuid_from
from kabinet.orders.checkout import order_number
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment, ShipmentLine
from kabinet.orders.workflow import Actor, Status
from kabinet.pricing.selectors import PricingContext, unit_price

ID_MODELS = [Order, OrderLine, Shipment]
S = Status
HOUR = 3600


@dataclass(frozen=True, slots=True)
class Buyer:
    """One agreement a partner orders on, with who may order and where it is delivered."""

    context: PricingContext
    counterparty_id: int
    address_ids: tuple[int, ...]
    author_ids: tuple[int, ...]
    skus: Sequence[int] | None  # indexes into the SKU list its assortment allows (None: all)


@dataclass(frozen=True, slots=True)
class Sku:
    id: int
    title: str  # as an order line names it: product name and characteristic
    article: str
    unit: str
    vat_rate: Decimal | None
    multiple: Decimal
    minimum: Decimal
    product_id: int
    section_id: int


# (partner's price type amount or None, partner's own amount or None, partner's discount or None)
PriceLookup = Callable[[Buyer, Sku], tuple[Decimal | None, Decimal | None, Decimal | None]]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k, p = k + 1, p * rng.random()
    return k


def _month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


def _working_time(rng: random.Random, year: int, month: int, now: datetime) -> datetime:
    """A moment of a working day in the month, before now (any day if none is found)."""
    start = _month_start(year, month)
    for attempt in range(50):
        at = start + timedelta(
            days=rng.randrange(31), hours=rng.randint(8, 18), minutes=rng.randrange(60)
        )
        if at.month == month and at < now and (at.weekday() < 5 or attempt > 40):
            return at
    return now - timedelta(minutes=rng.randint(5, 600))


def _months_back(now: datetime, months: int) -> list[tuple[int, int]]:
    index = now.year * 12 + now.month - 1
    return [divmod(i, 12) for i in range(index - months + 1, index + 1)]


def _headers(rng, *, buyers, months, now, per_month, total, lines_mean, lines_total):
    """(created_at, buyer, line count) of every order, oldest first."""
    by_partner: dict[int, list[Buyer]] = {}
    for buyer in buyers:
        by_partner.setdefault(buyer.context.partner_id, []).append(buyer)
    calendar = [(year, month + 1) for year, month in _months_back(now, months)]
    expected = []
    for partner_buyers in by_partner.values():
        activity = 0.5 * rng.paretovariate(2)  # a few big chains, many small buyers (mean 1)
        for i, (year, month) in enumerate(calendar):
            season = 0.7 if month == 1 else 1.2 if month == 12 else 1.0
            growth = 0.75 + 0.25 * (i + 1) / len(calendar)
            if i == len(calendar) - 1:  # the current month, so far
                growth *= min((now - _month_start(year, month)).days / 30, 1)
            expected.append((partner_buyers, year, month, per_month * activity * season * growth))
    if total is not None:  # exactly `total` orders: largest remainders of the expected counts
        scale = total / max(sum(e[3] for e in expected), 1e-9)
        counts = [math.floor(e[3] * scale) for e in expected]
        rest = sorted(range(len(expected)), key=lambda i: counts[i] - expected[i][3] * scale)
        for i in rest[: total - sum(counts)]:
            counts[i] += 1
    else:
        counts = [_poisson(rng, e[3]) for e in expected]
    headers = []
    for (partner_buyers, year, month, _mean), count in zip(expected, counts, strict=True):
        for _ in range(count):
            created = _working_time(rng, year, month, now)
            lines = 1 + min(int(rng.expovariate(1 / max(lines_mean - 1, 0.1))), 79)
            headers.append([created, rng.choice(partner_buyers), lines])
    if lines_total is not None and not len(headers) <= lines_total <= 80 * len(headers):
        raise ValueError(f"{lines_total} lines cannot fill {len(headers)} orders of 1–80 lines")
    if lines_total is not None and headers:  # nudge single orders until the lines add up
        diff = lines_total - sum(h[2] for h in headers)
        while diff:
            header = rng.choice(headers)
            step = 1 if diff > 0 else -1
            if 1 <= header[2] + step <= 80:
                header[2] += step
                diff -= step
    headers.sort(key=lambda h: h[0])
    return headers


class _Rows:
    """Rows of the order tables for one chunk of orders, with ids numbered from `after`."""

    def __init__(self, after: dict):
        self.order_id, self.line_id, self.shipment_id = (after[m] for m in ID_MODELS)
        self.orders: list[tuple] = []
        self.lines: list[tuple] = []
        self.events: list[tuple] = []
        self.shipments: list[tuple] = []
        self.shipment_lines: list[tuple] = []

    def tables(self) -> list[Table]:
        return [
            (Order, ORDER_FIELDS, self.orders),
            (OrderLine, LINE_FIELDS, self.lines),
            (OrderEvent, EVENT_FIELDS, self.events),
            (
                Shipment,
                ["id", "ext_id", "order_id", "number", "date", "document_title"],
                self.shipments,
            ),
            (ShipmentLine, ["shipment_id", "order_line_id", "quantity"], self.shipment_lines),
        ]


ORDER_FIELDS = [
    "id",
    "number",
    "ext_id",
    "erp_number",
    "partner_id",
    "counterparty_id",
    "agreement_id",
    "address_id",
    "author_id",
    "status",
    "desired_date",
    "comment",
    "currency",
    "total",
    "vat_total",
    "created_in_erp",
    "created_at",
    "sent_at",
]
LINE_FIELDS = [
    "id",
    "order_id",
    "variant_id",
    "product_name",
    "article",
    "unit",
    "quantity",
    "confirmed_quantity",
    "shipped_quantity",
    "price",
    "vat_rate",
    "amount",
    "sort",
]
EVENT_FIELDS = [
    "order_id",
    "status",
    "previous_status",
    "actor",
    "author_id",
    "comment",
    "created_at",
]


def _timeline(rng: random.Random, created: datetime, in_erp: bool, fate: str):
    """The steps (status, previous, actor, at, comment) an order takes, ignoring the clock."""
    P, SU = Actor.PARTNER, Actor.SUPPLIER
    at = created
    if in_erp:
        steps = [(S.ACCEPTED, "", SU, at, "Заказ создан менеджером в 1С по звонку клиента")]
    else:
        steps = [(S.DRAFT, "", P, at, "")]
        if fate == "draft":
            return steps
        at += timedelta(seconds=1 if rng.random() < 0.7 else rng.randint(300, 2 * 24 * HOUR))
        steps.append((S.SENT, S.DRAFT, P, at, ""))
        if fate == "cancel-sent":
            at += timedelta(seconds=rng.randint(600, 6 * HOUR))
            return [*steps, (S.CANCELLED, S.SENT, P, at, "Заказ оформлен по ошибке")]
        at += timedelta(seconds=rng.randint(900, 5 * HOUR))
        steps.append((S.ACCEPTED, S.SENT, SU, at, ""))
    if fate == "cancel-accepted":
        at += timedelta(seconds=rng.randint(HOUR, 24 * HOUR))
        return [*steps, (S.CANCELLED, S.ACCEPTED, SU, at, "Отменён по просьбе клиента")]
    if fate.startswith("shortage"):
        at += timedelta(seconds=rng.randint(1800, 24 * HOUR))
        steps.append(
            (
                S.SHORTAGE,
                S.ACCEPTED,
                SU,
                at,
                "Не хватает товара на складе: подтвердите уменьшенные количества",
            )
        )
        if fate == "shortage-open":
            return steps
        at += timedelta(seconds=rng.randint(2 * HOUR, 48 * HOUR))
        steps.append((S.ACCEPTED, S.SHORTAGE, P, at, "Согласны с изменёнными количествами"))
    for status, previous, low, high, comment in (
        (S.ASSEMBLING, S.ACCEPTED, 2, 36, ""),
        (S.SHIPPED, S.ASSEMBLING, 4, 48, ""),
        (S.COMPLETED, S.SHIPPED, 24, 120, "Получено покупателем"),
    ):
        at += timedelta(seconds=rng.randint(low * HOUR, high * HOUR))
        steps.append((status, previous, SU, at, comment))
    return steps


def _fate(rng: random.Random, age: timedelta) -> str:
    roll = rng.random()
    if roll < (0.3 if age < timedelta(days=2) else 0.015):
        return "draft"
    for fate, share in (("cancel-sent", 0.03), ("cancel-accepted", 0.015), ("shortage", 0.04)):
        roll -= share
        if roll < 0:
            return fate
    return "completed"


def orders_plan(
    rng: random.Random,
    *,
    buyers: list[Buyer],
    skus: list[Sku],
    price_of: PriceLookup,
    after: dict,
    months: int = 24,
    per_month: float = 4,
    total: int | None = None,
    lines_mean: float = 12,
    lines_total: int | None = None,
    now: datetime | None = None,
    chunk: int = 0,
) -> Iterator[list[Table]]:
    """Rows of the order tables, `chunk` orders at a time (0: all at once).

    `per_month` orders a partner-month on average (Poisson, by the partner's activity and the
    season), or exactly `total` orders; `lines_mean` lines an order, or exactly `lines_total`.
    The latest order of the first partner waits for its shortage answer.
    """
    now = now or timezone.now()
    headers = _headers(
        rng,
        buyers=buyers,
        months=months,
        now=now,
        per_month=per_month,
        total=total,
        lines_mean=lines_mean,
        lines_total=lines_total,
    )
    first_partner = buyers[0].context.partner_id if buyers else None
    open_shortage = next(
        (
            i
            for i in range(len(headers) - 1, -1, -1)
            if headers[i][1].context.partner_id == first_partner
            and headers[i][0] < now - timedelta(days=4)
        ),
        None,
    )
    favourites: dict[int, list[int]] = {}
    rows = _Rows(after)
    for index, (created, buyer, line_count) in enumerate(headers):
        in_erp = rng.random() < 0.08
        fate = "shortage-open" if index == open_shortage else _fate(rng, now - created)
        if in_erp and fate in ("draft", "cancel-sent"):
            fate = "completed"
        steps = [s for s in _timeline(rng, created, in_erp, fate) if s[3] <= now]
        pool = buyer.skus if buyer.skus is not None else range(len(skus))
        if buyer.context.partner_id not in favourites:
            favourites[buyer.context.partner_id] = rng.sample(pool, min(len(pool), 80))
        _order_rows(
            rng,
            rows,
            created,
            buyer,
            steps,
            fate,
            now,
            _lines(rng, buyer, skus, price_of, pool, favourites, line_count, now - created),
        )
        if chunk and len(rows.orders) >= chunk:
            yield rows.tables()
            rows = _Rows(
                {Order: rows.order_id, OrderLine: rows.line_id, Shipment: rows.shipment_id}
            )
    if rows.orders:
        yield rows.tables()


def _lines(rng, buyer, skus, price_of, pool, favourites, count, age):
    """(sku, quantity, price) of an order's lines: mostly the partner's usual products."""
    deflate = Decimal(1) - Decimal("0.0058") * (age.days // 30)
    usual = favourites[buyer.context.partner_id]
    chosen: dict[int, tuple] = {}
    for _ in range(count * 3):
        if len(chosen) >= count or not pool:
            break
        index = rng.choice(usual) if usual and rng.random() < 0.7 else rng.choice(pool)
        sku = skus[index]
        if index in chosen:
            continue
        list_amount, partner_amount, discount = price_of(buyer, sku)
        if list_amount is None and partner_amount is None:
            continue
        price = unit_price(
            context=buyer.context,
            vat_rate=sku.vat_rate,
            list_amount=list_amount,
            partner_amount=partner_amount,
            partner_discount=discount,
        ).amount
        quantity = sku.multiple * rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 10, 20))
        if quantity < sku.minimum:
            quantity = sku.multiple * math.ceil(sku.minimum / sku.multiple)
        chosen[index] = (sku, quantity, money(price * deflate))
    return list(chosen.values())


def _order_rows(rng, rows: _Rows, created, buyer: Buyer, steps, fate, now, lines) -> None:
    rows.order_id += 1
    order_id, status = rows.order_id, steps[-1][0]
    in_erp = steps[0][0] == S.ACCEPTED
    accepted = any(s[0] == S.ACCEPTED for s in steps)
    short = {rng.randrange(len(lines))} if fate.startswith("shortage") and lines else set()
    line_ids, amounts, vats = [], [], []
    for sort, (sku, quantity, price) in enumerate(lines):
        rows.line_id += 1
        confirmed = None
        if accepted:
            confirmed = (
                sku.multiple * (quantity // sku.multiple // 2) if sort in short else quantity
            )
        amount = money(price * quantity)
        amounts.append(amount)
        vats.append(vat_of_gross(amount, sku.vat_rate))
        line_ids.append((rows.line_id, confirmed or Decimal(0)))
        rows.lines.append(
            [
                rows.line_id,
                order_id,
                sku.id,
                sku.title,
                sku.article,
                sku.unit,
                quantity,
                confirmed,
                Decimal(0),
                price,
                sku.vat_rate,
                amount,
                sort,
            ]
        )
    shipped_at = next((s[3] for s in steps if s[0] == S.SHIPPED), None)
    if shipped_at is not None:
        _shipment_rows(rng, rows, order_id, line_ids, shipped_at, now, status)
    sent_at = next((s[3] for s in steps if s[0] == S.SENT), None)
    author = None if in_erp or not buyer.author_ids else rng.choice(buyer.author_ids)
    number = order_number(Order(pk=order_id, created_at=created))
    rows.orders.append(
        (
            order_id,
            number,
            uuid_from(rng) if in_erp else None,
            f"ЗК00-{order_id:06d}" if accepted else "",
            buyer.context.partner_id,
            buyer.counterparty_id,
            buyer.context.agreement_id,
            rng.choice(buyer.address_ids) if buyer.address_ids and rng.random() < 0.85 else None,
            author,
            status,
            (created + timedelta(days=rng.randint(1, 5))).date() if rng.random() < 0.4 else None,
            rng.choice(names.ORDER_COMMENTS) if rng.random() < 0.15 else "",
            buyer.context.currency,
            money(sum(amounts, Decimal(0))),
            money(sum(vats, Decimal(0))),
            in_erp,
            created,
            sent_at,
        )
    )
    rows.events += [
        (
            order_id,
            status_,
            previous,
            actor,
            None if actor == Actor.SUPPLIER else author,
            comment,
            at,
        )
        for status_, previous, actor, at, comment in steps
    ]


def _shipment_rows(rng, rows: _Rows, order_id, line_ids, shipped_at, now, status) -> None:
    """One shipment, or two when a third of the lines went a day later (if that came yet)."""
    to_ship = [(line_id, quantity) for line_id, quantity in line_ids if quantity > 0]
    parts = [to_ship]
    if len(to_ship) > 3 and rng.random() < 0.15:
        cut = len(to_ship) * 2 // 3
        parts = [to_ship[:cut], to_ship[cut:]]
    shipped = {}
    for n, part in enumerate(parts):
        at = shipped_at + timedelta(days=n)
        if at > now or (n and status != S.COMPLETED):
            break
        rows.shipment_id += 1
        day = timezone.localdate(at)
        number = f"РТУ-{rows.shipment_id:06d}"
        rows.shipments.append(
            (
                rows.shipment_id,
                uuid_from(rng),
                order_id,
                number,
                day,
                f"УПД № {number} от {day:%d.%m.%Y}",
            )
        )
        for line_id, quantity in part:
            rows.shipment_lines.append((rows.shipment_id, line_id, quantity))
            shipped[line_id] = quantity
    for line in rows.lines[-len(line_ids) :] if line_ids else []:
        line[8] = shipped.get(line[0], Decimal(0))
