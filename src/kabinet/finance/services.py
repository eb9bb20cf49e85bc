"""Changes to finance data: what the ERP sends (bulk upserts by its ids) and reconciliation
requests (the partner asks, the ERP or a manager answers with an act or a refusal)."""

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kabinet.accounts.models import Agreement, Counterparty
from kabinet.accounts.scope import Scope
from kabinet.api.bulk import (
    UpsertCounts,
    bulk_upsert,
    duplicates_check,
    errors_raise,
    refs_resolve,
    size_check,
)
from kabinet.api.problems import item_error
from kabinet.comms.services import notify_act_ready
from kabinet.finance.models import (
    Debt,
    OrderPayment,
    Payment,
    ReconciliationRequest,
    ReconciliationStatus,
    ScheduleItem,
)
from kabinet.orders.models import Order

PDF_MAGIC = b"%PDF-"
NOT_A_PDF = gettext_lazy("The file is not a PDF.")
PDF_TOO_LARGE = gettext_lazy("The file is larger than %(mb)s MB.")
STATUS_CLOSED = gettext_lazy("The request is already %(status)s.")
PERIOD_REVERSED = gettext_lazy("The period ends before it starts.")
PERIOD_IN_FUTURE = gettext_lazy("The period cannot end in the future.")


def _unknown(what: str) -> str:
    return _("unknown %(what)s; send it first") % {"what": what}


def _parties(items: Sequence[Any], errors: list[dict], *, agreement_required: bool):
    """Counterparty and agreement of each item, checked to belong together."""
    counterparties = refs_resolve(
        Counterparty.objects,
        {item.counterparty_ext_id for item in items},
        pk=F("pk"),
        partner_id=F("partner_id"),
    )
    agreements = refs_resolve(
        Agreement.objects,
        {item.agreement_ext_id for item in items if item.agreement_ext_id},
        pk=F("pk"),
        counterparty_id=F("counterparty_id"),
    )
    found = []
    for index, item in enumerate(items):
        counterparty = counterparties.get(item.counterparty_ext_id)
        agreement = agreements.get(item.agreement_ext_id) if item.agreement_ext_id else None
        if counterparty is None:
            errors.append(item_error(index, "counterparty_ext_id", _unknown(_("counterparty"))))
        if item.agreement_ext_id and agreement is None:
            errors.append(item_error(index, "agreement_ext_id", _unknown(_("agreement"))))
        elif agreement_required and not item.agreement_ext_id:
            errors.append(item_error(index, "agreement_ext_id", _("a value is required")))
        elif counterparty and agreement and agreement["counterparty_id"] != counterparty["pk"]:
            errors.append(
                item_error(index, "agreement_ext_id", _("the agreement is another counterparty's"))
            )
        found.append((counterparty, agreement))
    return found


@transaction.atomic
def payments_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.ext_id for item in items], errors)
    parties = _parties(items, errors, agreement_required=False)
    errors_raise(errors)
    rows = {
        item.ext_id: {
            "partner_id": counterparty["partner_id"],
            "counterparty_id": counterparty["pk"],
            "agreement_id": agreement["pk"] if agreement else None,
            "number": item.number,
            "date": item.date,
            "purpose": item.purpose or "",
            "amount": item.amount,
            "currency": item.currency,
        }
        for item, (counterparty, agreement) in zip(items, parties, strict=True)
    }
    return bulk_upsert(model=Payment, rows=rows, deleted=deleted)


@transaction.atomic
def schedule_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.ext_id for item in items], errors)
    for index, item in enumerate(items):
        if item.paid > item.amount:
            errors.append(item_error(index, "paid", _("more than the amount")))
        if item.remaining is not None and item.remaining > item.amount:
            errors.append(item_error(index, "remaining", _("more than the amount")))
    parties = _parties(items, errors, agreement_required=True)
    errors_raise(errors)
    rows = {}
    for item, (counterparty, agreement) in zip(items, parties, strict=True):
        remaining = item.remaining if item.remaining is not None else item.amount - item.paid
        rows[item.ext_id] = {
            "partner_id": counterparty["partner_id"],
            "counterparty_id": counterparty["pk"],
            "agreement_id": agreement["pk"],
            "document": item.document,
            "document_date": item.document_date,
            "due_date": item.due_date,
            "amount": item.amount,
            "paid": item.paid,
            "remaining": remaining,
            "currency": item.currency,
        }
    return bulk_upsert(model=ScheduleItem, rows=rows, deleted=deleted)


@transaction.atomic
def debts_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    """One debt per agreement, keyed by the agreement's ERP id."""
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.agreement_ext_id for item in items], errors, field="agreement_ext_id")
    agreements = refs_resolve(
        Agreement.objects,
        {item.agreement_ext_id for item in items} | set(deleted),
        pk=F("pk"),
        counterparty_id=F("counterparty_id"),
        partner_id=F("counterparty__partner_id"),
    )
    rows = {}
    for index, item in enumerate(items):
        agreement = agreements.get(item.agreement_ext_id)
        if agreement is None:
            errors.append(item_error(index, "agreement_ext_id", _unknown(_("agreement"))))
            continue
        if item.overdue > max(item.balance, 0):
            errors.append(item_error(index, "overdue", _("more than the debt")))
        rows[agreement["pk"]] = {
            "partner_id": agreement["partner_id"],
            "counterparty_id": agreement["counterparty_id"],
            "balance": item.balance,
            "overdue": item.overdue,
            "as_of": item.as_of,
            "currency": item.currency,
        }
    errors_raise(errors)
    gone = [agreements[key]["pk"] for key in deleted if key in agreements]
    counts = bulk_upsert(model=Debt, rows=rows, deleted=gone, key_field="agreement_id")
    counts.unchanged += len(set(deleted)) - len(gone)
    return counts


@transaction.atomic
def order_payments_upsert(*, items: Sequence[Any]) -> UpsertCounts:
    """Payment status of Kabinet's orders, keyed by the order's number in Kabinet."""
    size_check(items=len(items))
    errors: list[dict] = []
    duplicates_check([item.order_number for item in items], errors, field="order_number")
    orders = dict(
        Order.objects.filter(number__in={item.order_number for item in items}).values_list(
            "number", "pk"
        )
    )
    rows = {}
    for index, item in enumerate(items):
        if item.order_number not in orders:
            errors.append(item_error(index, "order_number", _unknown(_("order"))))
            continue
        rows[orders[item.order_number]] = {
            "status": item.status,
            "paid_amount": item.paid_amount,
            "paid_date": item.paid_date,
        }
    errors_raise(errors)
    return bulk_upsert(model=OrderPayment, rows=rows, key_field="order_id")


# ── Reconciliation acts (F3) ────────────────────────────────────────────────────────────────


@transaction.atomic
def reconciliation_request_create(
    *, scope: Scope, counterparty_id: int, period_from: date, period_to: date, with_stamp: bool
) -> ReconciliationRequest:
    """A partner user asks for an act of one of the counterparties they may act for."""
    scope.require("finance")
    counterparties = Counterparty.objects.filter(partner_id=scope.partner_id, is_active=True)
    if scope.counterparty_ids is not None:
        counterparties = counterparties.filter(pk__in=scope.counterparty_ids)
    counterparty = counterparties.filter(pk=counterparty_id).first()
    if counterparty is None:
        raise PermissionDenied
    if period_from > period_to:
        raise ValidationError({"period_to": PERIOD_REVERSED})
    if period_to > timezone.localdate():
        raise ValidationError({"period_to": PERIOD_IN_FUTURE})
    return ReconciliationRequest.objects.create(
        partner_id=scope.partner_id,
        counterparty=counterparty,
        requested_by=scope.user,
        period_from=period_from,
        period_to=period_to,
        with_stamp=with_stamp,
    )


def _locked(request_id: int) -> ReconciliationRequest:
    return ReconciliationRequest.objects.select_for_update().get(pk=request_id)


def _closed_check(request: ReconciliationRequest, *, allowed: set[str]) -> None:
    if request.status not in allowed:
        raise ValidationError(
            STATUS_CLOSED % {"status": request.get_status_display().lower()}, code="conflict"
        )


@transaction.atomic
def reconciliation_request_take(*, request_id: int) -> ReconciliationRequest:
    """The ERP has started on it. Taking it twice is harmless."""
    request = _locked(request_id)
    _closed_check(request, allowed={ReconciliationStatus.REQUESTED, ReconciliationStatus.IN_WORK})
    if request.status == ReconciliationStatus.REQUESTED:
        request.status = ReconciliationStatus.IN_WORK
        request.taken_at = timezone.now()
        request.save(update_fields=["status", "taken_at", "updated_at"])
    return request


def act_check(*, content: bytes, max_bytes: int) -> None:
    """A PDF by its content (the magic bytes near the start), not by its name or type."""
    if len(content) > max_bytes:
        raise ValidationError(PDF_TOO_LARGE % {"mb": f"{max_bytes / 1024 / 1024:g}"}, code="size")
    if PDF_MAGIC not in content[:1024] or b"%%EOF" not in content[-2048:]:
        raise ValidationError(NOT_A_PDF, code="type")


@transaction.atomic
def reconciliation_act_attach(
    *, request_id: int, content: bytes, max_bytes: int
) -> ReconciliationRequest:
    """The act is ready: stores the PDF (replacing an earlier one) and marks the request ready.

    Used by the ERP API and by a manager in the admin when the ERP cannot. The partner's user
    who asked is told (in-app and e-mail) once the act is stored.
    """
    act_check(content=content, max_bytes=max_bytes)
    request = _locked(request_id)
    _closed_check(
        request,
        allowed={
            ReconciliationStatus.REQUESTED,
            ReconciliationStatus.IN_WORK,
            ReconciliationStatus.READY,
        },
    )
    old = request.act.name if request.act else None
    was_ready = request.status == ReconciliationStatus.READY
    name = f"act-{request.pk}-{request.period_from:%Y%m%d}-{request.period_to:%Y%m%d}.pdf"
    request.act.save(name, ContentFile(content), save=False)
    now = timezone.now()
    request.status = ReconciliationStatus.READY
    request.taken_at = request.taken_at or now
    request.finished_at = now
    request.refusal_reason = ""
    request.save()
    if old and old != request.act.name:
        storage = request.act.storage
        transaction.on_commit(lambda: storage.delete(old))
    if not was_ready:  # a replaced act is not news
        transaction.on_commit(partial(notify_act_ready, request_id=request.pk))
    return request


@transaction.atomic
def reconciliation_request_refuse(*, request_id: int, reason: str) -> ReconciliationRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("a value is required")})
    request = _locked(request_id)
    _closed_check(
        request,
        allowed={
            ReconciliationStatus.REQUESTED,
            ReconciliationStatus.IN_WORK,
            ReconciliationStatus.REFUSED,
        },
    )
    if request.status == ReconciliationStatus.REFUSED and request.refusal_reason == reason:
        return request
    now = timezone.now()
    request.status = ReconciliationStatus.REFUSED
    request.refusal_reason = reason[:1000]
    request.taken_at = request.taken_at or now
    request.finished_at = now
    request.save(
        update_fields=["status", "refusal_reason", "taken_at", "finished_at", "updated_at"]
    )
    return request
