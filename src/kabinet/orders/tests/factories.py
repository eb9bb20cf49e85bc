"""Orders for tests: `orders_make(partner, n=...)` and `order_make(...)`.

    orders = orders_make(partner, n=8)      # one order in each status, newest first
    order = order_make(author=user, variants=goods.variants, status=Status.SENT)

Orders are built the way the historical load from 1C (E4) brings them: rows written as they
stand, with their lines, history, shipments (and, on request, shipment documents). Changing
them in tests goes through the real services.
"""

import datetime
import itertools
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from kabinet.accounts.models import Agreement, Counterparty, DeliveryAddress, Section, User
from kabinet.accounts.tests.factories import UserFactory
from kabinet.catalog.services import catalog_cache_clear, product_search_text_refresh
from kabinet.catalog.tests.factories import PriceFactory, ProductFactory, VariantFactory
from kabinet.comms.models import Notification
from kabinet.core.money import money, vat_of_gross
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment, ShipmentLine
from kabinet.orders.workflow import NOT_FOR_1C, TRANSITIONS, Actor, Status

_numbers = itertools.count(1)

# The way each status is reached from a draft, step by step.
PATHS: dict[str, list[str]] = {
    Status.DRAFT: [],
    Status.SENT: [Status.SENT],
    Status.ACCEPTED: [Status.SENT, Status.ACCEPTED],
    Status.SHORTAGE: [Status.SENT, Status.ACCEPTED, Status.SHORTAGE],
    Status.ASSEMBLING: [Status.SENT, Status.ACCEPTED, Status.ASSEMBLING],
    Status.SHIPPED: [Status.SENT, Status.ACCEPTED, Status.ASSEMBLING, Status.SHIPPED],
    Status.COMPLETED: [
        Status.SENT,
        Status.ACCEPTED,
        Status.ASSEMBLING,
        Status.SHIPPED,
        Status.COMPLETED,
    ],
    Status.CANCELLED: [Status.SENT, Status.CANCELLED],
    Status.AWAITING_APPROVAL: [Status.AWAITING_APPROVAL],
}
CONFIRMED = {Status.ACCEPTED, Status.SHORTAGE, Status.ASSEMBLING, Status.SHIPPED, Status.COMPLETED}
SHIPPED = {Status.SHIPPED, Status.COMPLETED}


def order_number() -> str:
    return f"KB-{next(_numbers):06d}"


def goods_make(partner, *, n: int = 2, price: str = "100.00", vat: str = "10.00", name=None):
    """Products priced for every active agreement of the partner; their variants."""
    price_type_ids = set(
        Agreement.objects.filter(counterparty__partner=partner, is_active=True)
        .exclude(price_type=None)
        .values_list("price_type_id", flat=True)
    )
    variants = []
    for _i in range(n):
        product = ProductFactory(
            name=name or f"{partner.name} item {next(_numbers):06d}", vat_rate=Decimal(vat)
        )
        variant = VariantFactory(product=product)
        for price_type_id in sorted(price_type_ids):
            PriceFactory(price_type_id=price_type_id, variant=variant, amount=Decimal(price))
        variants.append(variant)
    product_search_text_refresh([v.product_id for v in variants])
    catalog_cache_clear()
    return variants


def _author_for(partner) -> User:
    users = list(User.objects.filter(partner=partner, is_active=True).order_by("pk"))
    for user in users:
        if Section.ORDERS in (user.sections or []):
            return user
    if users:
        return users[0]
    return UserFactory(partner=partner, email=f"orders-author-{partner.pk}@example.com")


def order_make(
    *,
    author: User,
    variants,
    status: str = Status.DRAFT,
    counterparty: Counterparty | None = None,
    quantity: Decimal | str = "2",
    price: Decimal | str = "100.00",
    created_at: datetime.datetime | None = None,
    created_in_erp: bool = False,
    documents: bool = False,
    **fields,
) -> Order:
    """One order of the author's partner in `status`, with a line per variant and its history."""
    counterparty = (
        counterparty
        or Counterparty.objects.filter(partner_id=author.partner_id).order_by("pk").first()
    )
    agreement = Agreement.objects.filter(counterparty=counterparty).order_by("pk").first()
    address = DeliveryAddress.objects.filter(counterparty=counterparty).order_by("pk").first()
    created_at = created_at or timezone.now() - datetime.timedelta(hours=1)
    number = order_number()
    order = Order.objects.create(
        number=number,
        partner_id=author.partner_id,
        counterparty=counterparty,
        agreement=agreement,
        address=address,
        author=author,
        status=status,
        created_at=created_at,
        created_in_erp=created_in_erp,
        erp_number=f"ЗК-{number[3:]}" if status not in NOT_FOR_1C else "",
        sent_at=created_at if status not in NOT_FOR_1C else None,
        **fields,
    )
    lines = []
    for sort, variant in enumerate(variants):
        qty, unit_price = Decimal(quantity), Decimal(price)
        lines.append(
            OrderLine(
                order=order,
                variant=variant,
                product_name=str(variant),
                article=variant.product.article,
                unit=variant.product.unit,
                quantity=qty,
                confirmed_quantity=qty if status in CONFIRMED else None,
                shipped_quantity=qty if status in SHIPPED else Decimal(0),
                price=unit_price,
                vat_rate=variant.product.vat_rate,
                amount=money(unit_price * qty),
                sort=sort,
            )
        )
    OrderLine.objects.bulk_create(lines)
    order.total = money(sum((line.amount for line in lines), Decimal(0)))
    order.vat_total = money(
        sum((vat_of_gross(line.amount, line.vat_rate) for line in lines), Decimal(0))
    )
    order.save(update_fields=["total", "vat_total"])
    _history_make(order, author=author, created_at=created_at)
    if status in SHIPPED:
        _shipment_make(order, lines=lines, documents=documents)
    return order


def _history_make(order: Order, *, author: User, created_at: datetime.datetime) -> None:
    previous, events = Status.DRAFT, []
    for step, status in enumerate(PATHS[order.status], start=1):
        actors = TRANSITIONS[(previous, status)]
        actor = Actor.PARTNER if Actor.PARTNER in actors else Actor.SUPPLIER
        events.append(
            OrderEvent(
                order=order,
                status=status,
                previous_status=previous,
                actor=actor,
                author=author if actor == Actor.PARTNER else None,
                created_at=created_at + datetime.timedelta(seconds=step),
            )
        )
        previous = status
    OrderEvent.objects.bulk_create(events)


def _shipment_make(order: Order, *, lines: list[OrderLine], documents: bool) -> Shipment:
    shipment = Shipment.objects.create(
        order=order,
        number=f"РН-{order.number[3:]}",
        date=timezone.localdate(order.created_at),
        document_title="УПД",
    )
    if documents:
        shipment.document.save(
            f"upd-{order.number}.pdf", ContentFile(b"%PDF-1.4 " + order.number.encode())
        )
    ShipmentLine.objects.bulk_create(
        [ShipmentLine(shipment=shipment, order_line=line, quantity=line.quantity) for line in lines]
    )
    return shipment


def orders_make(partner, n: int = 8, *, lines: int = 2, documents: bool = False) -> list[Order]:
    """`n` orders of the partner, over its counterparties and through every status.

    Newest first; with lines, history, shipments (documents on request) and an in-app
    notification for the author of each order.
    """
    author = _author_for(partner)
    counterparties = list(Counterparty.objects.filter(partner=partner).order_by("pk"))
    variants = goods_make(partner, n=lines)
    statuses = list(Status.values)
    now = timezone.now() - datetime.timedelta(hours=1)
    orders = []
    for i in range(n):
        order = order_make(
            author=author,
            variants=variants,
            status=statuses[i % len(statuses)],
            counterparty=counterparties[i % len(counterparties)],
            created_at=now - datetime.timedelta(days=i),
            created_in_erp=i % 5 == 4,
            documents=documents,
            comment=f"Comment of order {i + 1} for {partner.name}",
        )
        orders.append(order)
    Notification.objects.bulk_create(
        [Notification(user=author, order=o, title=f"Order {o.number}: {o.status}") for o in orders]
    )
    return orders
