"""Order documents from 1C: status changes, 1C numbers, shortages, and orders made in 1C.

Statuses are mapped by `KABINET_1C_STATUS_MAP` (1C's status name → Kabinet status) and walked
through the order workflow's own transition table, one supplier step at a time, so every step
is an event the partner sees. An order 1C created itself appears for its partner marked
"created in 1C". Importing the same file again changes nothing.
"""

import itertools
import logging
from collections import Counter, deque
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kabinet.accounts.models import Agreement, Counterparty
from kabinet.catalog.models import Variant
from kabinet.core.money import money
from kabinet.exchange.commerceml import model as cml
from kabinet.exchange.commerceml import read_documents
from kabinet.orders.models import Order, OrderEvent, OrderLine
from kabinet.orders.services import order_status_set_by_supplier
from kabinet.orders.workflow import TRANSITIONS, Actor, Status

logger = logging.getLogger(__name__)
ORDER_OPERATIONS = {None, "", "Заказ товара"}
TRUE = {"true", "1", "да", "yes"}


def status_map() -> dict[str, str]:
    """KABINET_1C_STATUS_MAP by lower-cased 1C name; a target that is no Kabinet status is
    refused (the import fails, naming it) rather than read as something else."""
    statuses = {}
    for name, status in settings.KABINET_1C_STATUS_MAP.items():
        if status not in Status.values:
            raise ImproperlyConfigured(
                f"KABINET_1C_STATUS_MAP: {status!r} (for {name!r}) is not a status; "
                f"use one of {', '.join(Status.values)}"
            )
        statuses[name.strip().lower()] = status
    return statuses


def supplier_path(current: str, target: str) -> list[str]:
    """The shortest chain of supplier transitions from `current` to `target` ([] if none)."""
    queue, seen = deque([(current, [])]), {current}
    while queue:
        status, path = queue.popleft()
        if status == target:
            return path
        for (source, nxt), actors in TRANSITIONS.items():
            if source == status and Actor.SUPPLIER in actors and nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, nxt]))
    return []


def documents_import(path: Path) -> dict:
    counts: Counter = Counter()
    statuses = status_map()
    with read_documents(path) as documents:
        while batch := list(itertools.islice(documents, 500)):
            for document in batch:
                if document.operation not in ORDER_OPERATIONS:
                    counts["documents_skipped"] += 1
                    continue
                _document_apply(document, statuses, counts)
    return dict(counts)


def _variant_key(line: cml.DocumentLine) -> str | None:
    if not line.product_id:
        return None
    return f"{line.product_id}#{line.variant_id}" if line.variant_id else line.product_id


def _target_status(document: cml.Document, statuses: dict[str, str], counts: Counter) -> str | None:
    """The status 1C means, or None to leave the order's as it is.

    A "Статус заказа" no mapping knows is never guessed (a posted document used to become
    "accepted"): it is logged and listed in the counts as `statuses_unknown`."""
    if document.deleted or document.requisites.get("Отменен", "").strip().lower() in TRUE:
        return Status.CANCELLED
    name = (document.status or "").strip()
    if name.lower() in statuses:
        return statuses[name.lower()]
    if document.requisites.get("Финальный статус", "").strip().lower() in TRUE:
        return Status.COMPLETED
    if name:
        logger.warning("1C exchange: order %s has a status no mapping knows: %s", document.id, name)
        counts["orders_status_unknown"] += 1
        known = counts.get("statuses_unknown") or []
        if name not in known:
            counts["statuses_unknown"] = sorted([*known, name])
        return None
    if document.posted:
        return Status.ACCEPTED
    return None


def _find_order(document: cml.Document) -> Order | None:
    keys = {document.id, document.number, document.requisites.get("Номер по сайту")} - {None, ""}
    if not keys:
        return None
    return (
        Order.objects.filter(ext_id__in=keys).first()
        or Order.objects.filter(number__in=keys).first()
    )


def _document_apply(document: cml.Document, statuses, counts: Counter) -> None:
    order = _find_order(document)
    if order is None:
        _order_create_from_1c(document, statuses, counts)
        return
    changed = []
    number_1c = document.number_1c or (
        document.number if document.number and document.number != order.number else ""
    )
    if number_1c and order.erp_number != number_1c:
        order.erp_number = number_1c[:60]
        changed.append("erp_number")
    if (
        not order.ext_id
        and document.id
        and document.id != order.number
        and not Order.objects.filter(ext_id=document.id).exists()
    ):
        order.ext_id = document.id
        changed.append("ext_id")
    if changed:
        Order.objects.filter(pk=order.pk).update(**{f: getattr(order, f) for f in changed})
    confirmed_before = counts["lines_confirmed"]
    shortage = _confirm_quantities(order, document, counts)
    target = _target_status(document, statuses, counts)
    if (
        shortage
        and order.status in (Status.SENT, Status.ACCEPTED)
        and target
        in (
            None,
            Status.ACCEPTED,
        )
    ):
        target = Status.SHORTAGE
    path = []
    if target and target != order.status:
        path = supplier_path(order.status, target)
        if not path:
            counts["status_conflicts"] += 1
        for step in path:
            order_status_set_by_supplier(order=order, target=step, comment="1C")
        counts["status_changes"] += len(path)
    # Updated only when something of the order really changed: the same document again is
    # counted as unchanged.
    if changed or path or counts["lines_confirmed"] != confirmed_before:
        counts["orders_updated"] += 1
    else:
        counts["orders_unchanged"] += 1


def _confirm_quantities(order: Order, document: cml.Document, counts: Counter) -> bool:
    """Quantities 1C confirms per line; less than ordered is a shortage to put to the partner."""
    if not document.lines:
        return False
    confirmed: dict[str, Decimal] = {}
    for line in document.lines:
        key = _variant_key(line)
        if key and line.quantity is not None:
            confirmed[key] = confirmed.get(key, Decimal(0)) + line.quantity
    shortage = False
    lines = list(order.lines.select_related("variant__product"))
    for line in lines:
        keys = {line.variant.ext_id, line.variant.product.ext_id} - {None}
        quantity = next((confirmed[k] for k in keys if k in confirmed), Decimal(0))
        quantity = min(quantity, line.quantity)
        if line.confirmed_quantity != quantity:
            OrderLine.objects.filter(pk=line.pk).update(confirmed_quantity=quantity)
            counts["lines_confirmed"] += 1
        if quantity < line.quantity:
            shortage = True
    return shortage


def _order_create_from_1c(document: cml.Document, statuses, counts: Counter) -> None:
    """An order a manager made in 1C (or a historical one, E4) for a partner of the portal."""
    buyer = next(
        (c for c in document.counterparties if (c.role or "") == "Покупатель"),
        document.counterparties[0] if document.counterparties else None,
    )
    counterparty = None
    if buyer is not None and buyer.id:
        counterparty = Counterparty.objects.filter(ext_id=buyer.id).first()
    if counterparty is None and buyer is not None and buyer.inn:
        counterparty = Counterparty.objects.filter(inn=buyer.inn, kpp=buyer.kpp or "").first()
    if counterparty is None:
        counts["orders_unknown_counterparty"] += 1
        return
    agreement_id = document.requisites.get("Соглашение Ид") or document.requisites.get("Договор Ид")
    agreement = (
        Agreement.objects.filter(ext_id=agreement_id, counterparty=counterparty).first()
        if agreement_id
        else None
    ) or counterparty.agreements.filter(is_active=True).order_by("pk").first()
    if agreement is None:
        counts["orders_without_agreement"] += 1
        return
    keys = {k for k in (_variant_key(line) for line in document.lines) if k}
    variants = {
        v.ext_id: v for v in Variant.objects.filter(ext_id__in=keys).select_related("product")
    }
    created_at = timezone.now()
    if document.date:
        created_at = timezone.make_aware(
            timezone.datetime.combine(document.date, document.time or timezone.datetime.min.time())
        )
    number = f"1C-{document.number_1c or document.number or document.id}"[:40]
    status = _target_status(document, statuses, counts) or Status.ACCEPTED
    order = Order.objects.create(
        number=number,
        ext_id=document.id or number,
        erp_number=(document.number_1c or document.number or "")[:60],
        partner_id=counterparty.partner_id,
        counterparty=counterparty,
        agreement=agreement,
        status=status,
        comment=document.comment or "",
        created_in_erp=True,
        created_at=created_at,
        sent_at=created_at,
    )
    rows, total = [], Decimal(0)
    for sort, line in enumerate(document.lines):
        variant = variants.get(_variant_key(line))
        if variant is None or not line.quantity or line.quantity <= 0:
            counts["lines_unknown"] += 1
            continue
        price = money(line.price or Decimal(0))
        amount = money(line.amount if line.amount is not None else price * line.quantity)
        total += amount
        rows.append(
            OrderLine(
                order=order,
                variant=variant,
                product_name=(line.name or variant.product.name)[:500],
                article=(line.article or variant.product.article)[:100],
                unit=variant.product.unit,
                quantity=line.quantity,
                confirmed_quantity=line.quantity,
                price=price,
                vat_rate=line.vat_rate,
                amount=amount,
                sort=sort,
            )
        )
    OrderLine.objects.bulk_create(rows)
    Order.objects.filter(pk=order.pk).update(total=money(document.amount or total))
    OrderEvent.objects.create(
        order=order, status=status, actor=Actor.SUPPLIER, comment="1C", created_at=created_at
    )
    counts["orders_created"] += 1
