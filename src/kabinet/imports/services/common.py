"""What the job services share: the locked job, its counts, its progress, stock in batches."""

from decimal import Decimal

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from kabinet.accounts.scope import Scope
from kabinet.cart.selectors import valid_id
from kabinet.imports.checks import severity_counts
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.selectors import import_job_qs
from kabinet.pricing.selectors import stock_for

STOCK_BATCH = 5_000


def job_locked(scope: Scope, job_id: int) -> ImportJob:
    """The user's job, locked for the transaction (PostgreSQL; SQLite writes one at a time)."""
    if not isinstance(job_id, int) or not valid_id(job_id):
        raise Http404
    job = import_job_qs(scope).select_for_update().filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def job_recount(job: ImportJob, rows: list[ImportRow] | None = None) -> None:
    """Store the report's counts (from `rows`, or counted in the database) and save the job."""
    if rows is not None:
        counts = severity_counts(rows)
    else:
        counts = dict.fromkeys(ImportRow.Severity.values, 0)
        for severity, count in (
            ImportRow.objects.filter(job_id=job.pk)
            .values_list("severity")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[severity] = count
    job.rows_ok = counts[ImportRow.Severity.OK]
    job.rows_warning = counts[ImportRow.Severity.WARNING]
    job.rows_error = counts[ImportRow.Severity.ERROR]
    job.rows_skipped = counts[ImportRow.Severity.SKIPPED]
    job.rows_total = sum(counts.values())
    job.save()


def progress_set(job: ImportJob, value: int) -> None:
    """Written at once (outside any transaction of a task), for the progress bar."""
    job.progress = value
    ImportJob.objects.filter(pk=job.pk).update(progress=value, updated_at=timezone.now())


def stock_batched(variant_ids) -> dict[int, Decimal]:
    ids = sorted(set(variant_ids))
    stock: dict[int, Decimal] = {}
    for start in range(0, len(ids), STOCK_BATCH):
        stock.update(stock_for(variant_ids=ids[start : start + STOCK_BATCH]))
    return stock
