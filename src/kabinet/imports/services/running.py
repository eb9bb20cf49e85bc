"""The check of a job: read its rows, match and check them, store the report (D4).

Run at once for a small file, by `tasks.import_job_match_task` for a large one; either way
`import_job_match` is the same code, writes its progress on the job as it goes, and can run
twice without harm.

Memory stays flat whatever the size of the file: the rows are read, matched, checked and
stored `CHECK_BATCH` at a time, and only a variant id per matched row is kept between batches.
The rows of a product that several batches share (the same product in row 10 and row 90,000)
form one cart line: they are checked again together once every batch is stored.
"""

import ctypes
import ctypes.util
import gc
import logging
from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import JSONField
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.imports import conf
from kabinet.imports.models import ImportJob, ImportRow
from kabinet.imports.reading import (
    ColumnMapping,
    FileReadError,
    Role,
    Sheet,
    SourceRow,
    iter_rows,
    parse_pasted_text,
    read_sheet_rows,
)
from kabinet.imports.services.checking import job_lines_recheck, job_rows_check
from kabinet.imports.services.common import job_recount, progress_set
from kabinet.pricing.selectors import agreement_for, pricing_context

logger = logging.getLogger(__name__)

AGREEMENT_GONE = _("The agreement of this file is no longer active. Upload the file again.")
NO_ACCESS = _("You can no longer order for this company.")
FILE_GONE = _("The uploaded file is no longer kept. Upload it again.")
CHECK_FAILED = _("The file could not be checked. Please try again or contact your manager.")
MAX_CELLS = 240
MAX_CELL_CHARS = 1000


def import_job_match(
    *, job_id: int, sheet: Sheet | None = None, source_rows: list[SourceRow] | None = None
) -> ImportJob:
    """Read the rows, match and check them, store the report (status "matched").

    Safe to run twice: a job no longer "matching" is left alone, and rows of an interrupted
    run are replaced. Progress goes to `job.progress` as it runs (the task's page polls it).
    A file that can no longer be read, or an agreement no longer active, fails the job with
    the reason.
    """
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.MATCHING:
        return job
    with translation.override(job.language or None):
        try:
            scope = scope_for(job.user)
            if scope is None or not scope.can(Section.CATALOG):
                raise PermissionDenied(NO_ACCESS)
            agreement = agreement_for(scope, job.agreement_id or 0)
            context = pricing_context(scope=scope, agreement=agreement)
            progress_set(job, 5)
            if source_rows is None:
                source_rows = _source_rows(job, sheet)
            _rows_checked(job, context, source_rows, expected=_expected_rows(job, source_rows))
        except FileReadError as error:
            return _failed(job, error.message)
        except (Http404, PermissionDenied) as error:
            message = str(error) if isinstance(error, PermissionDenied) else AGREEMENT_GONE
            return _failed(job, message)
        except FileNotFoundError:
            return _failed(job, FILE_GONE)
    return job


def _source_rows(job: ImportJob, sheet: Sheet | None) -> Iterable[SourceRow]:
    if job.source == ImportJob.Source.PASTE:
        return parse_pasted_text(job.pasted_text)
    mapping = ColumnMapping(
        header_row_index=job.mapping.get("header_row"),
        columns={Role(role): col for role, col in job.mapping.get("columns", {}).items()},
    )
    if sheet is not None:
        return iter_rows(sheet.rows, mapping)
    if not job.file:
        raise FileNotFoundError(job.file_name)
    with job.file.open("rb") as handle:
        rows = read_sheet_rows(handle, job.file_name, job.sheet_name, limits=conf.read_limits())
    return iter_rows(_sheet_rows(rows, job.sheet_name), mapping)


def _sheet_rows(rows: Iterator[list], sheet_name: str) -> Iterator[list]:
    """The streamed rows; a sheet gone from the file is a file no longer kept."""
    try:
        yield from rows
    except KeyError as error:
        raise FileNotFoundError(sheet_name) from error


def _expected_rows(job: ImportJob, source_rows) -> int:
    """How many rows the progress bar counts on (the sheet's rows with data, header included)."""
    if isinstance(source_rows, list):
        return len(source_rows)
    return next((info["rows"] for info in job.sheets if info["name"] == job.sheet_name), 0)


def _batches(source_rows: Iterable[SourceRow]) -> Iterator[list[SourceRow]]:
    source_rows, size = iter(source_rows), conf.check_batch()
    while batch := list(islice(source_rows, size)):
        yield batch


def _rows_checked(job: ImportJob, context, source_rows, *, expected: int) -> None:
    """Match, check and store the rows a batch at a time; then check the lines that several
    batches share as a whole, and count."""
    ImportRow.objects.filter(job_id=job.pk).delete()
    first_batch: dict[int, int] = {}  # variant id → the batch its first row is in
    shared: set[int] = set()
    known: dict = {}
    done = 0
    for number, batch in enumerate(_batches(source_rows)):
        rows = [_row(job, source) for source in batch]
        del batch
        job_rows_check(job=job, context=context, rows=rows, known=known)
        rows_insert(rows)
        for row in rows:
            if row.variant_id and first_batch.setdefault(row.variant_id, number) != number:
                shared.add(row.variant_id)
        done += len(rows)
        del rows
        progress_set(job, 5 + 90 * min(done, expected) // max(expected, 1))
    del first_batch, known
    if shared:
        job_lines_recheck(job=job, context=context, variant_ids=shared)
    job.status = ImportJob.Status.MATCHED
    job.matched_at = timezone.now()
    job.progress = 100
    job_recount(job)


def _row(job: ImportJob, source: SourceRow) -> ImportRow:
    pasted = job.source == ImportJob.Source.PASTE
    cells = [
        cell[:MAX_CELL_CHARS] if isinstance(cell, str) else cell
        for cell in source.cells[:MAX_CELLS]
    ]
    # A pasted line without a number has no quantity (the reader says 1): the smallest one
    # that can be ordered is taken, as the catalog's empty quantity box does.
    no_quantity = pasted and len(source.cells) == 1
    return ImportRow(
        job=job,
        row_number=source.row_number,
        cells=cells,
        identifiers={str(role): text[:MAX_CELL_CHARS] for role, text in source.identifiers.items()},
        any_code=pasted,
        quantity_text="" if no_quantity else source.quantity_text[:100],
    )


def rows_insert(rows: list[ImportRow]) -> None:
    """Insert the report's rows: PostgreSQL's COPY (a tenth of the time of a 16-column INSERT
    of thousands of rows), bulk inserts elsewhere."""
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_create(rows)
        return
    from psycopg.types.json import Jsonb

    fields = [field for field in ImportRow._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    # The values are plain Python already (ints, texts, Decimals, None); only JSON is wrapped.
    names = [field.attname for field in fields]
    json = {index for index, field in enumerate(fields) if isinstance(field, JSONField)}
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = [getattr(row, name) for name in names]
            for index in json:
                values[index] = Jsonb(values[index])
            copy.write_row(values)


def _failed(job: ImportJob, message) -> ImportJob:
    ImportRow.objects.filter(job_id=job.pk).delete()
    job.status = ImportJob.Status.FAILED
    job.error = str(message)
    job.progress = 0
    job.save(update_fields=["status", "error", "progress", "updated_at"])
    return job


def import_job_run(*, job_id: int) -> None:
    """The task's body: check the job; a crash fails it (with a message) rather than leaving
    it "being checked" forever, and is raised for the task's log."""
    try:
        import_job_match(job_id=job_id)
    except Exception:
        logger.exception("Import job %s: the check failed", job_id)
        import_job_fail_unexpected(job_id=job_id)
        raise
    finally:
        memory_release()


def memory_release() -> None:
    """Give the memory a large check used back to the system. The worker lives on between
    tasks: freed objects leave the C heap holding pages that only `malloc_trim` returns."""
    gc.collect()
    if _libc is not None:
        _libc.malloc_trim(0)


def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    return libc


_libc = _glibc()


def import_job_fail_unexpected(*, job_id: int) -> None:
    """A task crashed: the job says so rather than checking forever."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.MATCHING).first()
    if job is not None:
        with translation.override(job.language or None):
            _failed(job, CHECK_FAILED)
