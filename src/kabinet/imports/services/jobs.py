"""An import job from upload to report: read the file, confirm the columns, check every row.

    job = import_job_upload(scope=…, agreement=…, upload=request.FILES["file"])
    job = import_job_map(scope=…, job_id=…, sheet_name=…, header_row=…, columns=…, order=…)
    job = import_job_paste(scope=…, agreement=…, text=…)

A file that cannot be read raises its `FileReadError` before anything is stored: no job, no
file. Small files are checked at once; above `KABINET_IMPORT_TASK_ROWS` rows the check runs as
a task (`tasks.import_job_match_task`) that stores its progress on the job. Nothing here touches
the cart: that is `import_job_apply`, after the user has seen the report.
"""

import uuid
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.imports import conf
from kabinet.imports.matching import match_order_clean
from kabinet.imports.models import ColumnMappingMemory, ImportJob, ImportRow
from kabinet.imports.reading import (
    IDENTIFIER_ROLES,
    ColumnMapping,
    FileTooLargeError,
    Role,
    Sheet,
    Workbook,
    layout_signature,
    parse_pasted_text,
    propose_mapping,
    read_table,
)
from kabinet.imports.services.common import job_locked
from kabinet.imports.services.running import import_job_fail_unexpected, import_job_match
from kabinet.pricing.selectors import agreement_for

NO_AGREEMENT = _("You have no active agreement to order under.")
SHEET_UNKNOWN = _("Choose one of the file's sheets.")
NO_IDENTIFIER_COLUMN = _("Choose the column with articles, codes or names.")
COLUMN_TWICE = _("A column can play only one role.")
COLUMN_UNKNOWN = _("Choose columns of the sheet.")
HEADER_UNKNOWN = _("Choose the header row among the first rows shown.")
NOT_CHANGEABLE = _("This file is already applied or still being checked.")
PASTE_EMPTY = _("Paste at least one line: an article and a quantity.")
PASTE_TOO_LONG = _("Paste at most %(limit)s lines at a time, or upload a file.")

PREVIEW_ROWS = 60
PREVIEW_COLUMNS = 60
PREVIEW_CELL_CHARS = 200
MAX_SHEETS = 30
# A check that shows no life for this long lost its worker: the columns may be chosen again.
STALE_CHECK = timedelta(minutes=10)
MAX_PASTE_CHARS = 4 * 1024 * 1024


def _language() -> str:
    return translation.get_language() or ""


# --- Upload -----------------------------------------------------------------------------------


def import_job_upload(*, scope: Scope, agreement: Agreement | None, upload) -> ImportJob:
    """Read the uploaded file and keep it with a proposed column mapping (status "uploaded").

    When the user confirmed a mapping for a file of this layout before, it is taken as
    confirmed and the rows are checked at once (status "matched", or "matching" for a large
    file). Raises the file's `FileReadError` (nothing stored) or ValidationError.
    """
    agreement = _agreement(scope, agreement)
    limits = conf.read_limits()
    name = Path(upload.name or "file").name[-255:]
    size = upload.size or 0
    if size > limits.max_bytes:
        raise FileTooLargeError(
            size_mb=round(size / 1024 / 1024 + 0.05, 1), limit_mb=round(conf.max_bytes() / 2**20, 1)
        )
    content = upload.read()
    workbook = read_table(content, name, limits=limits)
    job = _job_create(scope=scope, agreement=agreement, workbook=workbook, content=content)
    sheet = workbook.sheet(job.sheet_name)
    info = _sheet_info(job, job.sheet_name)
    if info.get("remembered"):
        job = import_job_map(
            scope=scope,
            job_id=job.pk,
            sheet_name=job.sheet_name,
            header_row=info["header_row"],
            columns=info["columns"],
            order=info["order"],
            sheet=sheet,
        )
    return job


@transaction.atomic
def _job_create(*, scope: Scope, agreement: Agreement, workbook: Workbook, content) -> ImportJob:
    sheets, preview = _sheets_described(scope, workbook)
    job = ImportJob(
        partner_id=scope.partner_id,
        user=scope.user,
        counterparty_id=agreement.counterparty_id,
        agreement=agreement,
        source=ImportJob.Source.FILE,
        file_name=workbook.filename,
        file_size=len(content),
        format=workbook.format,
        sheets=sheets,
        preview=preview,
        sheet_name=_default_sheet(workbook, sheets),
        language=_language(),
    )
    extension = Path(workbook.filename).suffix.lower()[:8]
    job.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
    try:
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


def _default_sheet(workbook: Workbook, sheets: list[dict]) -> str:
    """The sheet that looks most like an order (an instruction or a price list may come
    first): visible before hidden; a layout the user confirmed before; columns with an
    article, code or name and a quantity; the best recognised columns; then the first.
    The reader's default (the first sheet with data) when no sheet is described."""
    described = [(index, info) for index, info in enumerate(sheets) if info["rows"]]
    if not described:
        return workbook.default_sheet.name

    def likeness(item: tuple[int, dict]) -> tuple:
        index, info = item
        columns = info["columns"]
        identified = any(role.value in columns for role in IDENTIFIER_ROLES)
        ordered = identified and Role.QUANTITY.value in columns
        return (not info["hidden"], info["remembered"], ordered, info["confidence"], -index)

    return max(described, key=likeness)[1]["name"]


def _preview_sheet(name: str, rows) -> Sheet:
    return Sheet(
        name=name,
        rows=[
            [
                cell[:PREVIEW_CELL_CHARS] if isinstance(cell, str) else cell
                for cell in row[:PREVIEW_COLUMNS]
            ]
            for row in rows[:PREVIEW_ROWS]
        ],
    )


def _sheets_described(scope: Scope, workbook: Workbook) -> tuple[list[dict], dict]:
    """Each sheet with its proposed mapping (or the one remembered for its layout) and its
    first rows. The layout signature is taken from those first rows, as on the mapping page."""
    sheets, preview, signatures = [], {}, {}
    for sheet in workbook.sheets[:MAX_SHEETS]:
        shown = _preview_sheet(sheet.name, sheet.rows)
        proposal = propose_mapping(sheet) if sheet.row_count else ColumnMapping(None, {}, 0.0)
        if proposal.header_row_index is not None and proposal.header_row_index >= PREVIEW_ROWS:
            proposal = ColumnMapping(None, proposal.columns, proposal.confidence)
        columns = {
            role.value: col for role, col in proposal.columns.items() if col < PREVIEW_COLUMNS
        }
        signature = layout_signature(shown, proposal)
        signatures[sheet.name] = signature
        sheets.append(
            {
                "name": sheet.name,
                "hidden": sheet.hidden,
                "rows": sheet.row_count,
                "width": sheet.width,
                "header_row": proposal.header_row_index,
                "columns": columns,
                "order": [],
                "confidence": proposal.confidence,
                "signature": signature,
                "remembered": False,
            }
        )
        preview[sheet.name] = shown.rows
    remembered = dict(
        ColumnMappingMemory.objects.filter(
            user_id=scope.user.pk, layout_signature__in=set(signatures.values())
        ).values_list("layout_signature", "mapping")
    )
    for info in sheets:
        memory = remembered.get(info["signature"])
        if memory and info["rows"] and _memory_fits(memory, info):
            info["columns"] = {role: int(col) for role, col in memory["columns"].items()}
            info["order"] = list(memory.get("order", []))
            info["remembered"] = True
    return sheets, preview


def _memory_fits(memory: dict, info: dict) -> bool:
    columns = memory.get("columns") or {}
    return any(role in columns for role in IDENTIFIER_ROLES) and all(
        isinstance(col, int) and 0 <= col < preview_width(info) for col in columns.values()
    )


def preview_width(info: dict) -> int:
    """How many columns the mapping page offers (the roles can be given to these)."""
    return min(info["width"], PREVIEW_COLUMNS)


def _sheet_info(job: ImportJob, name: str) -> dict:
    for info in job.sheets:
        if info["name"] == name:
            return info
    raise ValidationError(SHEET_UNKNOWN)


def _agreement(scope: Scope, agreement: Agreement | None) -> Agreement:
    if agreement is None:
        raise ValidationError(NO_AGREEMENT)
    return agreement_for(scope, agreement.pk)


# --- Columns ----------------------------------------------------------------------------------


def import_job_map(
    *,
    scope: Scope,
    job_id: int,
    sheet_name: str,
    header_row: int | None,
    columns: dict[str, int],
    order: list[str] | None = None,
    sheet: Sheet | None = None,
) -> ImportJob:
    """Confirm the sheet, the header row (index, None: no header) and the column of each role
    (`{role: column index}`), remember them for the layout, and check the rows: at once for a
    small sheet, by a task above `KABINET_IMPORT_TASK_ROWS` rows (status "matching").

    `sheet`: the sheet already read (an upload with a remembered layout), to spare reading the
    file again.
    """
    job = _mapping_save(
        scope=scope,
        job_id=job_id,
        sheet_name=sheet_name,
        header_row=header_row,
        columns=columns,
        order=order,
    )
    return _check_started(job, sheet=sheet)


@transaction.atomic
def _mapping_save(*, scope, job_id, sheet_name, header_row, columns, order) -> ImportJob:
    job = job_locked(scope, job_id)
    if not _changeable(job) or job.source != ImportJob.Source.FILE:
        raise ValidationError(NOT_CHANGEABLE)
    info = _sheet_info(job, sheet_name)
    rows = job.preview.get(sheet_name, [])
    mapping = _mapping_checked(info, rows, header_row, columns)
    order = match_order_clean(order)
    signature = layout_signature(_preview_sheet(sheet_name, rows), mapping)
    ColumnMappingMemory.objects.update_or_create(
        user_id=scope.user.pk,
        layout_signature=signature,
        defaults={"mapping": {"columns": _columns_json(mapping), "order": order}},
    )
    ImportRow.objects.filter(job_id=job.pk).delete()
    job.sheet_name = sheet_name
    job.mapping = {"header_row": mapping.header_row_index, "columns": _columns_json(mapping)}
    job.match_order = order
    job.layout_signature = signature
    job.mapping_remembered = bool(info.get("remembered"))
    job.status = ImportJob.Status.MATCHING
    job.error = ""
    job.progress = 0
    job.applied_mode = ""
    job.save()
    return job


def _changeable(job: ImportJob) -> bool:
    if job.status == ImportJob.Status.MATCHING:
        return job.updated_at < timezone.now() - STALE_CHECK
    return job.status != ImportJob.Status.APPLIED


def _mapping_checked(info: dict, rows: list, header_row, columns: dict) -> ColumnMapping:
    if header_row is not None and not 0 <= header_row < min(len(rows), PREVIEW_ROWS):
        raise ValidationError(HEADER_UNKNOWN)
    known = {role.value for role in Role}
    chosen = {role: col for role, col in columns.items() if col is not None}
    if any(role not in known for role in chosen):
        raise ValidationError(COLUMN_UNKNOWN)
    width = preview_width(info)
    if any(not isinstance(col, int) or not 0 <= col < width for col in chosen.values()):
        raise ValidationError(COLUMN_UNKNOWN)
    if len(set(chosen.values())) != len(chosen):
        raise ValidationError(COLUMN_TWICE)
    if not any(role in chosen for role in IDENTIFIER_ROLES):
        raise ValidationError(NO_IDENTIFIER_COLUMN)
    return ColumnMapping(
        header_row_index=header_row, columns={Role(role): col for role, col in chosen.items()}
    )


def _columns_json(mapping: ColumnMapping) -> dict[str, int]:
    return {role.value: col for role, col in mapping.columns.items()}


def _check_started(job: ImportJob, *, sheet=None, source_rows=None) -> ImportJob:
    """Check now, or leave it to a task once the job is committed."""
    from kabinet.imports.tasks import import_job_match_task  # the task module imports services

    rows = _row_count(job) if source_rows is None else len(source_rows)
    if rows > conf.task_rows():
        transaction.on_commit(lambda: import_job_match_task.enqueue(job.pk))
        return job
    try:
        with transaction.atomic():
            return import_job_match(job_id=job.pk, sheet=sheet, source_rows=source_rows)
    except Exception:
        import_job_fail_unexpected(job_id=job.pk)
        raise


def _row_count(job: ImportJob) -> int:
    for info in job.sheets:
        if info["name"] == job.sheet_name:
            return info["rows"]
    return 0


# --- Paste ("add by article", C4) -------------------------------------------------------------


def import_job_paste(*, scope: Scope, agreement: Agreement | None, text: str) -> ImportJob:
    """The paste box: one "article quantity" per line, checked like a file."""
    agreement = _agreement(scope, agreement)
    text = text or ""
    if len(text) > MAX_PASTE_CHARS:
        raise ValidationError(PASTE_TOO_LONG % {"limit": conf.max_rows()})
    rows = parse_pasted_text(text)
    if not rows:
        raise ValidationError(PASTE_EMPTY)
    if len(rows) > conf.max_rows():
        raise ValidationError(PASTE_TOO_LONG % {"limit": conf.max_rows()})
    job = ImportJob.objects.create(
        partner_id=scope.partner_id,
        user=scope.user,
        counterparty_id=agreement.counterparty_id,
        agreement=agreement,
        source=ImportJob.Source.PASTE,
        pasted_text=text,
        status=ImportJob.Status.MATCHING,
        match_order=match_order_clean(None),
        language=_language(),
    )
    return _check_started(job, source_rows=rows)


# --- Housekeeping -----------------------------------------------------------------------------


def import_jobs_purge(*, now=None) -> int:
    """Delete jobs older than `KABINET_IMPORT_KEEP_DAYS` days, with their files and rows."""
    limit = (now or timezone.now()) - timedelta(days=conf.keep_days())
    old = ImportJob.objects.filter(created_at__lt=limit)
    storage = ImportJob.file.field.storage
    for name in old.exclude(file="").values_list("file", flat=True):
        storage.delete(name)
    _total, by_model = old.delete()
    return by_model.get(ImportJob._meta.label, 0)
