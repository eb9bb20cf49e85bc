"""Orders to 1C: `type=sale&mode=query` answers CommerceML documents, `mode=success` confirms.

An order is queued for 1C (`Order.export_pending`) when it is sent or cancelled. Drafts and
orders awaiting the partner's own approval never go to 1C, even with the flag left on from an
earlier sending (`NOT_FOR_1C`). A repeated query before success returns the same orders;
success clears the queue for the orders that were queried and have not changed since. Staff
see where an order stands (`ExportState`, `orders_with_export_state`) and may queue it again
(`orders.services.order_export_requeue`).
"""

import io
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lxml import etree

from kabinet.exchange.models import ExchangeSession
from kabinet.orders.models import Order, OrderLine
from kabinet.orders.workflow import NOT_FOR_1C, Status

SCHEMA_VERSION = "2.08"
STATUS_NAMES = {
    Status.SENT: "Новый",
    Status.ACCEPTED: "Согласован",
    Status.SHORTAGE: "Дефектура",
    Status.ASSEMBLING: "Комплектуется",
    Status.SHIPPED: "Отгружен",
    Status.COMPLETED: "Выполнен",
    Status.CANCELLED: "Отменен",
}


class ExportState(models.TextChoices):
    """Where an order stands in the exchange with 1C, as staff see it."""

    DRAFT = "draft", _("Not for 1C (a draft or awaiting approval)")
    QUEUED = "queued", _("Queued for 1C")
    SENT = "sent", _("Sent to 1C, not confirmed yet")
    CONFIRMED = "confirmed", _("Confirmed by 1C")


def orders_with_export_state(orders):
    """Orders annotated with `export_queried`: handed to 1C by a query since their last change.

    Such an order leaves the queue when 1C confirms that query (`orders_success`).
    """
    through = ExchangeSession.queried_orders.through
    return orders.annotate(
        export_queried=Exists(
            through.objects.filter(
                order_id=OuterRef("pk"), exchangesession__queried_at__gte=OuterRef("updated_at")
            )
        )
    )


def export_state(order: Order) -> str:
    """The order's `ExportState`; `order` comes from `orders_with_export_state`."""
    if order.status in NOT_FOR_1C:
        return ExportState.DRAFT
    if not order.export_pending:
        return ExportState.CONFIRMED
    return ExportState.SENT if order.export_queried else ExportState.QUEUED


def export_state_filter(orders, state: str):
    """Orders (from `orders_with_export_state`) in `state`."""
    if state == ExportState.DRAFT:
        return orders.filter(status__in=sorted(NOT_FOR_1C))
    orders = orders.exclude(status__in=sorted(NOT_FOR_1C))
    if state == ExportState.CONFIRMED:
        return orders.filter(export_pending=False)
    if state == ExportState.SENT:
        return orders.filter(export_pending=True, export_queried=True)
    if state == ExportState.QUEUED:
        return orders.filter(export_pending=True, export_queried=False)
    return orders


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def pending_orders():
    return (
        Order.objects.filter(export_pending=True)
        .exclude(status__in=sorted(NOT_FOR_1C))
        .select_related("counterparty", "agreement", "address", "partner")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("variant__product"))
        )
        .order_by("pk")
    )


def orders_xml(orders) -> bytes:
    """CommerceML 2.08 `КоммерческаяИнформация` with one `Документ` per order."""
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="utf-8") as xf:
        xf.write_declaration()
        now = timezone.localtime()
        root_attrs = {
            "ВерсияСхемы": SCHEMA_VERSION,
            "ДатаФормирования": now.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        with xf.element("КоммерческаяИнформация", root_attrs):
            for order in orders:
                xf.write(_document(order))
    return buffer.getvalue()


def _el(parent, tag, text=None):
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _requisites(parent, pairs):
    requisites = _el(parent, "ЗначенияРеквизитов")
    for name, value in pairs:
        if value in (None, ""):
            continue
        requisite = _el(requisites, "ЗначениеРеквизита")
        _el(requisite, "Наименование", name)
        _el(requisite, "Значение", value)


def _document(order: Order):
    """One order, its elements in the order of the CommerceML 2.10 schema (1C checks it)."""
    created = timezone.localtime(order.sent_at or order.created_at)
    doc = etree.Element("Документ")
    _el(doc, "Ид", order.ext_id or order.number)
    _el(doc, "Номер", order.number)
    _el(doc, "Дата", created.strftime("%Y-%m-%d"))
    _el(doc, "ХозОперация", "Заказ товара")
    _el(doc, "Роль", "Продавец")
    _el(doc, "Валюта", order.currency)
    _el(doc, "Курс", "1")
    _el(doc, "Сумма", _amount(order.total))
    _counterparty(_el(_el(doc, "Контрагенты"), "Контрагент"), order.counterparty)
    _el(doc, "Время", created.strftime("%H:%M:%S"))
    if order.comment:
        _el(doc, "Комментарий", order.comment)
    goods = _el(doc, "Товары")
    for line in order.lines.all():
        if line.shortage_answer == "rejected":
            continue  # the partner dropped the line when answering the shortage
        _good(_el(goods, "Товар"), line)
    _requisites(
        doc,
        [
            ("Номер по сайту", order.number),
            ("Статус заказа", STATUS_NAMES.get(order.status, order.status)),
            ("Отменен", "true" if order.status == Status.CANCELLED else "false"),
            ("Соглашение Ид", order.agreement.ext_id),
            ("Договор Ид", order.agreement.ext_id),
            ("Соглашение", order.agreement.name),
            ("Адрес доставки", order.address.address if order.address else ""),
            ("Адрес доставки Ид", order.address.ext_id if order.address else ""),
            (
                "Желаемая дата отгрузки",
                order.desired_date.strftime("%Y-%m-%d") if order.desired_date else "",
            ),
            ("Партнер Ид", order.partner.ext_id),
        ],
    )
    return doc


def _counterparty(buyer, cp) -> None:
    _el(buyer, "Ид", cp.ext_id or f"kabinet-counterparty-{cp.pk}")
    _el(buyer, "Наименование", cp.name)
    _el(buyer, "ОфициальноеНаименование", cp.name)
    if cp.legal_address:
        _el(_el(buyer, "ЮридическийАдрес"), "Представление", cp.legal_address)
    if cp.inn:
        _el(buyer, "ИНН", cp.inn)
    if cp.kpp:
        _el(buyer, "КПП", cp.kpp)
    _el(buyer, "Роль", "Покупатель")


def _good(item, line) -> None:
    quantity = line.confirmed_quantity if line.shortage_answer else line.quantity
    variant = line.variant
    _el(item, "Ид", variant.ext_id or variant.product.ext_id or f"kabinet-variant-{variant.pk}")
    if line.article:
        _el(item, "Артикул", line.article)
    _el(item, "Наименование", line.product_name)
    unit = _el(item, "БазоваяЕдиница", line.unit or "шт")
    unit.set("НаименованиеПолное", line.unit or "шт")
    if line.vat_rate is not None:
        rate = _el(_el(item, "СтавкиНалогов"), "СтавкаНалога")
        _el(rate, "Наименование", "НДС")
        _el(rate, "Ставка", _quantity(line.vat_rate))
    _requisites(
        item,
        [
            ("ВидНоменклатуры", "Товар"),
            ("ТипНоменклатуры", "Товар"),
            ("Ответ по дефектуре", "принято" if line.shortage_answer else ""),
        ],
    )
    _el(item, "ЦенаЗаЕдиницу", _amount(line.price))
    _el(item, "Количество", _quantity(quantity))
    _el(item, "Сумма", _amount(line.amount))


@transaction.atomic
def orders_query(*, session: ExchangeSession) -> HttpResponse:
    orders = list(pending_orders())
    session.queried_at = timezone.now()
    session.save(update_fields=["queried_at"])
    session.queried_orders.set(orders)
    return HttpResponse(orders_xml(orders), content_type="application/xml; charset=utf-8")


@transaction.atomic
def orders_success(*, session: ExchangeSession) -> int:
    """1C stored the queried orders: those unchanged since the query leave the queue."""
    from kabinet.exchange.services import exchange_session_settle

    if session.queried_at is None:
        return 0
    confirmed = Order.objects.filter(
        pk__in=session.queried_orders.values("pk"), updated_at__lte=session.queried_at
    ).update(export_pending=False)
    # The order exchange may end here (1C does not always call `complete`).
    exchange_session_settle(session=session)
    return confirmed
