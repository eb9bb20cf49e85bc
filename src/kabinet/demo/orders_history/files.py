"""Shipment documents (УПД) as PDFs for the latest shipments of each demo partner.

1C attaches the signed УПД to a shipment; the demo writes a generated one for the newest
`PER_PARTNER` shipments of every partner (at most `MAX_FILES` in all), so an order page shows a
document to download. Older shipments keep their title without a file.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile

from kabinet.core.money import money
from kabinet.demo.files import document_pdf
from kabinet.orders.models import Shipment, ShipmentLine

PER_PARTNER = 2
MAX_FILES = 40
TABLE_WIDTHS = (6, 50, 12, 8, 12, 14)


def shipment_files_write() -> int:
    """Write the PDFs and attach them; returns how many were written."""
    shipments = _latest_shipments()
    lines = defaultdict(list)
    for item in (
        ShipmentLine.objects.filter(shipment__in=shipments)
        .select_related("order_line")
        .order_by("shipment_id", "order_line__sort", "pk")
    ):
        lines[item.shipment_id].append(item)
    for shipment in shipments:
        data = document_pdf(
            title=shipment.document_title or f"УПД № {shipment.number}",
            lines=_heading(shipment),
            table=_table(lines[shipment.pk]),
            widths=TABLE_WIDTHS,
            author=settings.KABINET_SUPPLIER_NAME,
        )
        name = f"upd-{shipment.number}.pdf"
        shipment.document.save(name, ContentFile(data), save=False)
    Shipment.objects.bulk_update(shipments, ["document"])
    return len(shipments)


def _latest_shipments() -> list[Shipment]:
    chosen: list[Shipment] = []
    taken: dict[int, int] = defaultdict(int)
    candidates = Shipment.objects.select_related(
        "order__counterparty", "order__agreement"
    ).order_by("-date", "-pk")
    for shipment in candidates.iterator(chunk_size=500):
        partner_id = shipment.order.partner_id
        if taken[partner_id] < PER_PARTNER:
            taken[partner_id] += 1
            chosen.append(shipment)
            if len(chosen) == MAX_FILES:
                break
    return chosen


def _heading(shipment: Shipment) -> list[str]:
    order = shipment.order
    buyer = order.counterparty
    return [
        f"Продавец: {settings.KABINET_SUPPLIER_NAME}",
        f"Покупатель: {buyer.name}, ИНН/КПП {buyer.inn}/{buyer.kpp}",
        f"Основание: заказ {order.number}, {order.agreement.display_name}",
        f"Дата отгрузки: {shipment.date:%d.%m.%Y}",
    ]


def _table(items: list[ShipmentLine]) -> list[list[str]]:
    rows = [["№", "Товар", "Кол-во", "Ед.", "Цена", "Сумма"]]
    total = Decimal(0)
    for n, item in enumerate(items, start=1):
        line = item.order_line
        amount = money(line.price * item.quantity)
        total += amount
        rows.append(
            [
                str(n),
                line.product_name,
                f"{item.quantity.normalize():f}",
                line.unit,
                f"{line.price:.2f}",
                f"{amount:.2f}",
            ]
        )
    rows.append(["", "Всего к оплате", "", "", "", f"{total:.2f}"])
    return rows
