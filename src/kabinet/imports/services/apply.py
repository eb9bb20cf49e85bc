"""Applying a checked import (D3, D4): into the cart (merge or replace) or a new draft order.

One transaction: the job is locked first, so a double click or a second tab waits and then
finds it applied; every recognised row goes in through the cart's own services (which check
availability and quantities again — a product gone since the check refuses the whole import,
changing nothing); then the job is marked applied and its file is deleted once committed.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.cart.models import Cart
from kabinet.cart.services import cart_clear, cart_get_or_create, cart_lines_add
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.services.common import job_locked
from kabinet.orders.checkout import order_place
from kabinet.orders.models import Order
from kabinet.pricing.selectors import agreement_for

ALREADY_APPLIED = _("This file is already applied: it was not added a second time.")
NOT_READY = _("This file is not checked yet.")
NOTHING_TO_APPLY = _("No row of this file can be ordered: fix the rows first.")
UNKNOWN_MODE = _("Choose how to add the rows: to the cart, instead of the cart, or as a draft.")
DRAFT_COMMENT = pgettext_lazy("draft order comment", "From the file “%(name)s”")
PASTE_COMMENT = pgettext_lazy("draft order comment", "From pasted lines")

Mode = ImportJob.ApplyMode


@dataclass(frozen=True, slots=True)
class ApplyResult:
    job: ImportJob
    lines: int  # cart or order lines added or increased
    cart: Cart | None = None
    order: Order | None = None


def import_lines(job: ImportJob) -> dict[int, Decimal]:
    """{variant_id: quantity} of the recognised rows (repeated variants added up)."""
    lines: dict[int, Decimal] = defaultdict(Decimal)
    for variant_id, quantity in ImportRow.objects.filter(
        job_id=job.pk,
        severity__in=[ImportRow.Severity.OK, ImportRow.Severity.WARNING],
        variant__isnull=False,
        quantity__isnull=False,
    ).values_list("variant_id", "quantity"):
        lines[variant_id] += quantity
    return dict(lines)


@transaction.atomic
def import_job_apply(*, scope: Scope, job_id: int, mode: str) -> ApplyResult:
    """Put the recognised rows into the user's working cart for the job's agreement — adding
    to it ("merge") or instead of it ("replace") — or into a new draft order ("draft").

    Refused (nothing changed) when the job is not checked, is already applied, has nothing
    to order, or when the cart's services refuse a line.
    """
    if mode not in Mode.values:
        raise ValidationError(UNKNOWN_MODE)
    job = job_locked(scope, job_id)
    if job.status == ImportJob.Status.APPLIED:
        raise ValidationError(ALREADY_APPLIED)
    if job.status != ImportJob.Status.MATCHED:
        raise ValidationError(NOT_READY)
    lines = import_lines(job)
    if not lines:
        raise ValidationError(NOTHING_TO_APPLY)
    agreement = agreement_for(scope, job.agreement_id or 0)
    cart, order = None, None
    if mode == Mode.DRAFT:
        order = _draft_create(scope=scope, agreement=agreement, lines=lines, job=job)
    else:
        cart = cart_get_or_create(
            scope=scope, counterparty=agreement.counterparty, agreement=agreement
        )
        if mode == Mode.REPLACE:
            cart_clear(scope=scope, cart=cart)
        cart_lines_add(scope=scope, cart=cart, items=lines)
    job.status = ImportJob.Status.APPLIED
    job.applied_mode = mode
    job.applied_at = timezone.now()
    job.applied_order = order
    stored = job.file.name
    job.file = ""
    job.save()
    if stored:
        storage = ImportJob.file.field.storage
        transaction.on_commit(lambda: storage.delete(stored))
    return ApplyResult(job=job, lines=len(lines), cart=cart, order=order)


def _draft_create(
    *, scope: Scope, agreement: Agreement, lines: dict[int, Decimal], job: ImportJob
) -> Order:
    """A draft order of the lines, through checkout's own `order_place(send=False)`.

    `order_place` orders the user's working cart, and a user has one working cart per
    counterparty; so the cart the user has is set aside under a temporary name, a temporary
    working cart is filled and ordered, and the user's cart comes back untouched — all inside
    this transaction. The job's id is the order's submit token: one job, one draft.
    """
    counterparty = agreement.counterparty
    parked = Cart.objects.filter(owner_id=scope.user.pk, counterparty=counterparty, name="")
    parked_ids = list(parked.values_list("pk", flat=True))
    parked.update(name=f"~import-{job.pk}")
    temporary = cart_get_or_create(scope=scope, counterparty=counterparty, agreement=agreement)
    cart_lines_add(scope=scope, cart=temporary, items=lines)
    if job.source == ImportJob.Source.FILE:
        comment = DRAFT_COMMENT % {"name": job.file_name}
    else:
        comment = gettext(PASTE_COMMENT)
    order = order_place(
        scope=scope,
        cart=temporary,
        agreement=agreement,
        address_id=None,
        desired_date=None,
        comment=comment,
        send=False,
        submit_token=f"import-{job.pk}",
    )
    Cart.objects.filter(pk=temporary.pk).delete()
    Cart.objects.filter(pk__in=parked_ids).update(name="")
    return order
