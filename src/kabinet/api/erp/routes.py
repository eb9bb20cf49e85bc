"""The ERP API's operations: for each resource a paged GET and a bulk upsert POST, plus the
reconciliation requests' actions. Views parse, call a service, and answer."""

import base64
import binascii
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models import Value as V
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from kabinet.accounts.models import Agreement, Counterparty, DeliveryAddress, Partner, User
from kabinet.api.auth import TokenAuth
from kabinet.api.bulk import UpsertResult
from kabinet.api.erp import accounts_sync, schemas
from kabinet.api.paging import PageQuery, page
from kabinet.api.problems import ApiProblem, Problem, item_error
from kabinet.finance import services as finance
from kabinet.finance.models import (
    Debt,
    OrderPayment,
    ReconciliationRequest,
    ReconciliationStatus,
    ScheduleItem,
)
from kabinet.finance.models import Payment as PaymentModel

router = Router()

ERRORS = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    413: Problem,
    422: Problem,
}
READ_ERRORS = dict.fromkeys((400, 401, 403, 404, 413, 422), Problem)


def _listing(
    *, name: str, path: str, out: type[Schema], queryset: Callable[[], QuerySet], summary: str
):
    @router.get(
        path,
        response={200: out, **READ_ERRORS},
        auth=TokenAuth(name),
        operation_id=f"{name}_list",
        url_name=f"{name}-list",
        summary=summary,
        tags=[name],
    )
    def listing(request: HttpRequest, query: Query[PageQuery]):
        rows, cursor = page(queryset(), query)
        return {"items": rows, "next_cursor": cursor}

    return listing


def _upsert(*, name: str, path: str, body: type[Schema], service: Callable, summary: str):
    deletions = "deleted" in body.model_fields

    @router.post(
        path,
        response={200: UpsertResult, **ERRORS},
        auth=TokenAuth(name),
        operation_id=f"{name}_upsert",
        url_name=f"{name}-upsert",
        summary=summary,
        description=(
            "Creates and updates the items by their ERP id, all or nothing; replaying a call "
            "answers `unchanged`. Up to 10,000 items and deletions per call."
        ),
        tags=[name],
    )
    def upsert(request: HttpRequest, payload: body):
        deleted = payload.deleted if deletions else None
        request.api_items = len(payload.items) + len(deleted or [])
        kwargs = {"items": payload.items} | ({"deleted": deleted} if deletions else {})
        counts = service(**kwargs).as_dict()
        request.api_counts = counts
        return counts

    return upsert


# ── Querysets of the listings: flat rows with the ERP ids of what they refer to ──────────────


def _partners():
    return Partner.objects.exclude(ext_id=None).values(
        "pk", "ext_id", "name", "is_active", "updated_at", manager_email=F("manager__email")
    )


def _counterparties():
    return Counterparty.objects.exclude(ext_id=None).values(
        "pk",
        "ext_id",
        "name",
        "inn",
        "kpp",
        "legal_address",
        "is_active",
        "updated_at",
        partner_ext_id=F("partner__ext_id"),
        parent_ext_id=F("parent__ext_id"),
    )


def _agreements():
    return Agreement.objects.exclude(ext_id=None).values(
        "pk",
        "ext_id",
        "name",
        "number",
        "currency",
        "payment_deferral_days",
        "credit_limit",
        "valid_from",
        "valid_to",
        "is_active",
        "updated_at",
        counterparty_ext_id=F("counterparty__ext_id"),
        price_type_ext_id=F("price_type__ext_id"),
    )


def _addresses():
    return DeliveryAddress.objects.exclude(ext_id=None).values(
        "pk",
        "ext_id",
        "address",
        "is_active",
        "updated_at",
        counterparty_ext_id=F("counterparty__ext_id"),
    )


def _invitations():
    """Users have no change time: `updated_since` here means "joined since"."""
    return User.objects.exclude(partner=None).values(
        "pk",
        "email",
        "phone",
        "full_name",
        "is_active",
        "last_login",
        "date_joined",
        partner_ext_id=F("partner__ext_id"),
        activated=Case(When(must_change_password=True, then=V(False)), default=V(True)),
        updated_at=F("date_joined"),
    )


def _payments():
    return PaymentModel.objects.values(
        "pk",
        "ext_id",
        "number",
        "date",
        "purpose",
        "amount",
        "currency",
        "updated_at",
        counterparty_ext_id=F("counterparty__ext_id"),
        agreement_ext_id=F("agreement__ext_id"),
    )


def _debts():
    return Debt.objects.values(
        "pk",
        "balance",
        "overdue",
        "as_of",
        "currency",
        "updated_at",
        agreement_ext_id=F("agreement__ext_id"),
        counterparty_ext_id=F("counterparty__ext_id"),
    )


def _schedule():
    return ScheduleItem.objects.values(
        "pk",
        "ext_id",
        "document",
        "document_date",
        "due_date",
        "amount",
        "paid",
        "remaining",
        "currency",
        "updated_at",
        counterparty_ext_id=F("counterparty__ext_id"),
        agreement_ext_id=F("agreement__ext_id"),
    )


def _order_payments():
    return OrderPayment.objects.values(
        "pk",
        "status",
        "paid_amount",
        "paid_date",
        "updated_at",
        order_number=F("order__number"),
        order_ext_id=F("order__ext_id"),
    )


RESOURCES = [
    # name, path, page schema, body schema, queryset, service, what
    ("partners", "/partners", schemas.PartnersPage, schemas.PartnersBody, _partners,
     accounts_sync.partners_upsert, "Partners"),
    ("counterparties", "/counterparties", schemas.CounterpartiesPage,
     schemas.CounterpartiesBody, _counterparties, accounts_sync.counterparties_upsert,
     "Counterparties (legal entities)"),
    ("agreements", "/agreements", schemas.AgreementsPage, schemas.AgreementsBody, _agreements,
     accounts_sync.agreements_upsert, "Agreements: credit limit, payment deferral"),
    ("addresses", "/addresses", schemas.AddressesPage, schemas.AddressesBody, _addresses,
     accounts_sync.addresses_upsert, "Delivery addresses"),
    ("invitations", "/invitations", schemas.InvitationsPage, schemas.InvitationsBody,
     _invitations, accounts_sync.invitations_upsert, "Partner users, invited on creation"),
    ("payments", "/payments", schemas.PaymentsPage, schemas.PaymentsBody, _payments,
     finance.payments_upsert, "Payments received"),
    ("debts", "/debts", schemas.DebtsPage, schemas.DebtsBody, _debts, finance.debts_upsert,
     "Debt per agreement"),
    ("schedule", "/schedule", schemas.SchedulePage, schemas.ScheduleBody, _schedule,
     finance.schedule_upsert, "Payment schedule"),
    ("orders", "/order-payments", schemas.OrderPaymentsPage, schemas.OrderPaymentsBody,
     _order_payments, finance.order_payments_upsert, "Orders' payment status"),
]  # fmt: skip
RESOURCE_NAMES = sorted({name for name, *_rest in RESOURCES} | {"reconciliation"})

for name, path, out, body, queryset, service, what in RESOURCES:
    _listing(name=name, path=path, out=out, queryset=queryset, summary=f"{what}: list")
    _upsert(name=name, path=path, body=body, service=service, summary=f"{what}: bulk upsert")


# ── Reconciliation requests ───────────────────────────────────────────────────────────────


class ReconciliationQuery(PageQuery):
    status: ReconciliationStatus | None = None


def _reconciliations() -> QuerySet:
    return ReconciliationRequest.objects.values(
        "pk",
        "id",
        "period_from",
        "period_to",
        "with_stamp",
        "status",
        "refusal_reason",
        "created_at",
        "updated_at",
        partner_ext_id=F("partner__ext_id"),
        counterparty_ext_id=F("counterparty__ext_id"),
        counterparty_name=F("counterparty__name"),
        counterparty_inn=F("counterparty__inn"),
        has_act=Case(When(~Q(act=""), then=V(True)), default=V(False)),
    )


def _reconciliation(request_id: int) -> dict:
    return get_object_or_404(_reconciliations(), pk=request_id)


RECONCILIATION = {"auth": TokenAuth("reconciliation"), "tags": ["reconciliation"]}


@router.get(
    "/reconciliation-requests",
    response={200: schemas.ReconciliationPage, **READ_ERRORS},
    summary="Reconciliation act requests: list (e.g. ?status=requested)",
    url_name="reconciliation-list",
    **RECONCILIATION,
)
def reconciliation_list(request: HttpRequest, query: Query[ReconciliationQuery]):
    queryset = _reconciliations()
    if query.status:
        queryset = queryset.filter(status=query.status)
    rows, cursor = page(queryset, query)
    return {"items": rows, "next_cursor": cursor}


def _act_answer(request: HttpRequest, request_id: int, action: Callable) -> dict:
    get_object_or_404(ReconciliationRequest, pk=request_id)
    try:
        action()
    except ValidationError as error:
        code = getattr(error, "code", None)
        if code == "conflict":
            raise ApiProblem(409, _("Conflict"), error.messages[0]) from error
        if code == "size":
            raise ApiProblem(413, _("File too large"), error.messages[0]) from error
        raise ApiProblem(
            422,
            _("Invalid request"),
            errors=[item_error(None, "file" if code == "type" else "reason", error.messages[0])],
        ) from error
    request.api_counts = {"updated": 1}
    return _reconciliation(request_id)


@router.post(
    "/reconciliation-requests/{int:request_id}/take",
    response={200: schemas.ReconciliationOut, **ERRORS},
    summary="Mark a request as taken into work",
    url_name="reconciliation-take",
    **RECONCILIATION,
)
def reconciliation_take(request: HttpRequest, request_id: int):
    return _act_answer(
        request, request_id, lambda: finance.reconciliation_request_take(request_id=request_id)
    )


def _act_max() -> int:
    return int(settings.KABINET_ERP_ACT_MAX_MB * 1024 * 1024)


@router.post(
    "/reconciliation-requests/{int:request_id}/act",
    response={200: schemas.ReconciliationOut, **ERRORS},
    summary="Upload the act (multipart/form-data, field `file`, a PDF)",
    url_name="reconciliation-act",
    **RECONCILIATION,
)
def reconciliation_act(request: HttpRequest, request_id: int, file: File[UploadedFile]):
    if file.size > _act_max():
        raise ApiProblem(413, _("File too large"))
    content = file.read()
    return _act_answer(
        request,
        request_id,
        lambda: finance.reconciliation_act_attach(
            request_id=request_id, content=content, max_bytes=_act_max()
        ),
    )


@router.post(
    "/reconciliation-requests/{int:request_id}/act-base64",
    response={200: schemas.ReconciliationOut, **ERRORS},
    summary="Upload the act as base64 in JSON",
    url_name="reconciliation-act-base64",
    **RECONCILIATION,
)
def reconciliation_act_base64(request: HttpRequest, request_id: int, payload: schemas.ActBase64In):
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiProblem(
            422,
            _("Invalid request"),
            errors=[item_error(None, "content_base64", _("not valid base64"))],
        ) from error
    return _act_answer(
        request,
        request_id,
        lambda: finance.reconciliation_act_attach(
            request_id=request_id, content=content, max_bytes=_act_max()
        ),
    )


@router.post(
    "/reconciliation-requests/{int:request_id}/refuse",
    response={200: schemas.ReconciliationOut, **ERRORS},
    summary="Refuse a request, with the reason shown to the partner",
    url_name="reconciliation-refuse",
    **RECONCILIATION,
)
def reconciliation_refuse(request: HttpRequest, request_id: int, payload: schemas.RefusalIn):
    return _act_answer(
        request,
        request_id,
        lambda: finance.reconciliation_request_refuse(request_id=request_id, reason=payload.reason),
    )


__all__ = ["RESOURCE_NAMES", "router"]
