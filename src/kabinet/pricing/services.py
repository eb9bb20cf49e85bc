"""Writes of the pricing app: the price version and the partner's price list file (B8).

    price_version_bump()                                   # in every transaction that changes
                                                           # what a price list shows
    price_list = price_list_request(scope=…, agreement=…)  # ready, being built, or built now

A price list is built once per agreement and price version (and language and way of showing
stock), by a task when the assortment is large (`KABINET_PRICE_LIST_TASK_ROWS`), at once
otherwise, into the private storage. The version moves in the same transaction as the change
(the 1C importer, the admin, any ORM save of the models a price list shows — see
`pricing.signals`), so a file built before a committed change is never served after it.
"""

import os
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, Section
from kabinet.accounts.scope import Scope, scope_for
from kabinet.pricing.models import PriceList, PriceVersion
from kabinet.pricing.pricelist import price_list_write
from kabinet.pricing.selectors import (
    agreement_for,
    orderable_variants,
    price_list_key,
    pricing_context,
)

BUILD_FAILED = _("The price list could not be prepared. Please try again later.")
NO_ACCESS = _("You can no longer see this agreement's prices.")
# A build that shows no life for this long lost its worker: it is started again.
STALE_BUILD = timedelta(minutes=10)
# Built lists of older versions are kept this long: a download that began may still read one.
KEEP_OLD = timedelta(hours=1)


def price_version_bump() -> None:
    """Move the price version, inside the caller's transaction (one row, locked till commit).

    Call it last in a writing transaction: the row stays locked until the commit, and
    another writer's bump waits for it.
    """
    if not PriceVersion.objects.filter(pk=1).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                PriceVersion.objects.create(pk=1, value=1)
        except IntegrityError:  # created meanwhile by another writer
            PriceVersion.objects.filter(pk=1).update(value=F("value") + 1)


def price_list_storage() -> FileSystemStorage:
    """Outside MEDIA_ROOT: nothing serves these files but the portal's own views."""
    return FileSystemStorage(location=settings.KABINET_PRIVATE_DIR / "price-lists")


def price_list_request(*, scope: Scope, agreement: Agreement) -> PriceList:
    """The price list of `agreement` at today's prices: ready, being built, or built now.

    One build per agreement and version, however many people ask at once. A failed or
    abandoned build is started again; a small assortment is built at once.
    """
    key = price_list_key()
    price_list = PriceList.objects.filter(agreement=agreement, **key).first()
    if price_list is not None and not _needs_build(price_list):
        return price_list
    if price_list is None:
        try:
            with transaction.atomic():
                price_list = PriceList.objects.create(
                    partner_id=scope.partner_id,
                    agreement=agreement,
                    requested_by=scope.user,
                    **key,
                )
        except IntegrityError:  # asked at the same moment by a colleague: theirs is ours
            return PriceList.objects.get(agreement=agreement, **key)
    else:
        restarted = PriceList.objects.filter(
            pk=price_list.pk, status=price_list.status, updated_at=price_list.updated_at
        ).update(
            status=PriceList.Status.BUILDING,
            progress=0,
            error="",
            requested_by=scope.user,
            updated_at=timezone.now(),
        )
        if not restarted:  # a colleague started it again a moment ago
            price_list.refresh_from_db()
            return price_list
    limit = settings.KABINET_PRICE_LIST_TASK_ROWS
    context = pricing_context(scope=scope, agreement=agreement)
    if orderable_variants(context)[: limit + 1].count() <= limit:
        return price_list_run(price_list_id=price_list.pk)
    from kabinet.pricing.tasks import price_list_build_task

    transaction.on_commit(lambda: price_list_build_task.enqueue(price_list_id=price_list.pk))
    price_list.refresh_from_db()
    return price_list


def _needs_build(price_list: PriceList) -> bool:
    if price_list.status == PriceList.Status.FAILED:
        return True
    if price_list.status == PriceList.Status.READY:
        return not price_list_storage().exists(price_list.file_name)
    return price_list.updated_at < timezone.now() - STALE_BUILD


def price_list_run(*, price_list_id: int) -> PriceList | None:
    """Build the file (the task's and the small list's entry point); a crash fails the build
    with a message, and is raised for the log."""
    try:
        return price_list_build(price_list_id=price_list_id)
    except Exception:
        PriceList.objects.filter(pk=price_list_id, status=PriceList.Status.BUILDING).update(
            status=PriceList.Status.FAILED, error=str(BUILD_FAILED), finished_at=timezone.now()
        )
        raise


def price_list_build(*, price_list_id: int) -> PriceList | None:
    """Write the XLSX of a price list that is being built, with its progress on the row.

    Safe to run twice: a list no longer "building" is left alone. The file is written under a
    temporary name and renamed when complete, so a half-written file is never served.
    """
    price_list = PriceList.objects.select_related("requested_by", "agreement").get(pk=price_list_id)
    if price_list.status != PriceList.Status.BUILDING:
        return price_list
    scope = scope_for(price_list.requested_by) if price_list.requested_by else None
    if scope is None or not scope.can(Section.CATALOG):
        return _failed(price_list, NO_ACCESS)
    try:
        agreement = agreement_for(scope, price_list.agreement_id)
    except (Http404, PermissionDenied):
        return _failed(price_list, NO_ACCESS)
    storage = price_list_storage()
    name = f"{price_list.agreement_id}/price-list-{price_list.pk}-v{price_list.version}.xlsx"
    path = storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{uuid.uuid4().hex}.part"  # two runs of one build never share it
    context = pricing_context(scope=scope, agreement=agreement)
    total = orderable_variants(context).count()

    def progress(done: int) -> None:
        percent = min(99, 100 * done // max(total, 1))
        PriceList.objects.filter(pk=price_list.pk).update(
            progress=percent, updated_at=timezone.now()
        )

    try:
        with translation.override(price_list.language or None):
            rows = price_list_write(
                scope=scope, agreement=agreement, output=partial, on_progress=progress
            )
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    PriceList.objects.filter(pk=price_list.pk).update(
        status=PriceList.Status.READY,
        progress=100,
        rows=rows,
        file_name=name,
        finished_at=timezone.now(),
    )
    _older_removed(price_list)
    price_list.refresh_from_db()
    return price_list


def _failed(price_list: PriceList, message) -> PriceList:
    price_list.status = PriceList.Status.FAILED
    price_list.error = str(message)
    price_list.finished_at = timezone.now()
    price_list.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return price_list


def _older_removed(price_list: PriceList) -> None:
    """Files of this agreement's older versions, once a newer one is ready and they have
    not been touched for a while: they would never be served again."""
    storage = price_list_storage()
    old = PriceList.objects.filter(
        agreement_id=price_list.agreement_id,
        version__lt=price_list.version,
        updated_at__lt=timezone.now() - KEEP_OLD,
    ).exclude(status=PriceList.Status.BUILDING)
    for pk, file_name in old.values_list("pk", "file_name"):
        if file_name:
            storage.delete(file_name)
        PriceList.objects.filter(pk=pk).delete()
