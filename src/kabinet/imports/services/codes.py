"""The partner's own product codes (B9): set on the product card, or loaded from a file.

A code is the partner's, shared by its employees; it names a product (or one variant of it)
and is unique within the partner whatever its case or spacing. Codes are given to products
the user may order under the agreement they act for. A file of codes is two columns — the
partner's code, and the product's article, barcode or 1C code — loaded all or nothing with a
report per row.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.catalog.models import Variant
from kabinet.catalog.services import search_normalize
from kabinet.imports import conf
from kabinet.imports.matching import Lookup, variant_facts
from kabinet.imports.models import ImportRow, PartnerProductCode
from kabinet.imports.reading import Role, identifier_text, propose_mapping, read_table
from kabinet.imports.reading.mapping import cell_at
from kabinet.imports.selectors import partner_code_get
from kabinet.pricing.selectors import agreement_for, orderable_products, pricing_context

CODE_REQUIRED = _("Enter the code.")
CODE_TOO_LONG = _("The code may have at most %(max)s characters.")
CODE_TAKEN = _("The code “%(code)s” is already given to “%(product)s”.")
VARIANT_UNKNOWN = _("Choose one of the product's variants.")
NO_AGREEMENT = _("You have no active agreement to order under.")
CODE_MISSING = _("No code in this row.")
TARGET_MISSING = _("No article, barcode or 1C code in this row.")
Outcome = ImportRow.Outcome
ROW_REASONS = {
    Outcome.UNKNOWN: _("No product has this article, barcode or 1C code."),
    Outcome.NOT_IN_ASSORTMENT: _("The product is not sold under your agreement."),
    Outcome.INACTIVE: _("The product is no longer sold."),
    Outcome.AMBIGUOUS: _("Several products have this article or code: give the barcode."),
}
MAX_CODE = PartnerProductCode._meta.get_field("code").max_length
TARGET_ROLES = (Role.ARTICLE, Role.BARCODE, Role.ERP_CODE)


def _code_clean(code: str) -> tuple[str, str]:
    code = " ".join((code or "").split())
    if not code:
        raise ValidationError(CODE_REQUIRED)
    if len(code) > MAX_CODE:
        raise ValidationError(CODE_TOO_LONG % {"max": MAX_CODE})
    return code, search_normalize(code)


def _context(scope: Scope, agreement: Agreement | None):
    if agreement is None:
        raise ValidationError(NO_AGREEMENT)
    return pricing_context(scope=scope, agreement=agreement_for(scope, agreement.pk))


@transaction.atomic
def partner_code_set(
    *,
    scope: Scope,
    agreement: Agreement | None,
    product_id: int,
    code: str,
    variant_id: int | None = None,
) -> PartnerProductCode:
    """Give a product (or one of its variants) the partner's code; 404 for a product the user
    may not order. A code already given to another product is refused."""
    code, key = _code_clean(code)
    context = _context(scope, agreement)
    product = orderable_products(context).filter(pk=product_id).first()
    if product is None:
        raise Http404
    if (
        variant_id is not None
        and not Variant.objects.filter(
            pk=variant_id, product_id=product.pk, is_active=True
        ).exists()
    ):
        raise ValidationError(VARIANT_UNKNOWN)
    existing = (
        PartnerProductCode.objects.select_for_update()
        .select_related("product")
        .filter(partner_id=scope.partner_id, code_key=key)
        .first()
    )
    if existing is not None and existing.product_id != product.pk:
        raise ValidationError(CODE_TAKEN % {"code": code, "product": existing.product.name})
    if existing is None:
        existing = PartnerProductCode(partner_id=scope.partner_id, created_by=scope.user)
    existing.product, existing.variant_id = product, variant_id
    existing.code, existing.code_key = code, key
    existing.save()
    return existing


@transaction.atomic
def partner_code_delete(*, scope: Scope, code_id: int) -> PartnerProductCode:
    code = partner_code_get(scope, code_id)
    code.delete()
    return code


# --- A file of codes --------------------------------------------------------------------------


@dataclass(slots=True)
class CodeRow:
    row_number: int
    code: str
    target: str
    outcome: str = Outcome.OK
    product_id: int | None = None
    variant_id: int | None = None
    title: str = ""
    repeats: int | None = None  # the row this code was first given in, with another product

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK and self.repeats is None

    @property
    def reason(self) -> str:
        if not self.code:
            return str(CODE_MISSING)
        if len(self.code) > MAX_CODE:
            return CODE_TOO_LONG % {"max": MAX_CODE}
        if not self.target:
            return str(TARGET_MISSING)
        return str(ROW_REASONS.get(self.outcome, ""))


@dataclass(slots=True)
class CodesLoadResult:
    rows: list[CodeRow]
    saved: bool
    created: int = 0
    updated: int = 0

    @property
    def errors(self) -> list[CodeRow]:
        return [row for row in self.rows if not row.ok]


def partner_codes_load(*, scope: Scope, agreement: Agreement | None, upload) -> CodesLoadResult:
    """Load codes from a two-column file: all rows are saved, or — when any row has a problem —
    none, and the report says which rows to fix. Raises the file's `FileReadError`."""
    context = _context(scope, agreement)
    workbook = read_table(upload, upload.name or "codes.csv", limits=conf.read_limits())
    rows = _code_rows(workbook.default_sheet)
    _targets_resolve(context, rows)
    first_seen: dict[str, CodeRow] = {}
    for row in rows:
        key = search_normalize(row.code)
        earlier = first_seen.setdefault(key, row)
        if earlier is not row and (earlier.product_id, earlier.variant_id) != (
            row.product_id,
            row.variant_id,
        ):
            row.repeats = earlier.row_number
    result = CodesLoadResult(rows=rows, saved=False)
    if rows and not result.errors:
        _save(scope, result, first_seen)
    return result


def _code_rows(sheet) -> list[CodeRow]:
    mapping = propose_mapping(sheet)
    code_column = mapping.columns.get(Role.PARTNER_CODE)
    targets = [mapping.columns[role] for role in TARGET_ROLES if role in mapping.columns]
    if code_column is None or not targets:
        code_column, targets = 0, [1]
    start = mapping.data_start_index
    rows = []
    for index in range(start, len(sheet.rows)):
        cells = sheet.rows[index]
        code = identifier_text(cell_at(cells, code_column))[:200]
        target = identifier_text(cell_at(cells, targets[0]))[:200]
        if code or target:
            rows.append(CodeRow(row_number=index + 1, code=code, target=target))
    return rows


TARGET_ORDER = (Role.BARCODE, Role.ARTICLE, Role.ERP_CODE)


def _targets_resolve(context, rows: list[CodeRow]) -> None:
    """Each row's product, by the first kind of code that names orderable variants of exactly
    one product (a barcode names its variant too): one look-up per kind, for the rows still
    unresolved."""
    pending = []
    for row in rows:
        if not row.code or not row.target or len(row.code) > MAX_CODE:
            row.outcome = Outcome.NO_IDENTIFIER
        else:
            row.outcome = Outcome.UNKNOWN
            pending.append(row)
    facts = {}
    for role in TARGET_ORDER:
        waiting = [row for row in pending if row.product_id is None and _text(row, role)]
        if not waiting:
            continue
        texts = {_text(row, role) for row in waiting}
        lookup = Lookup(role, texts, partner_id=context.partner_id)
        found = [lookup.of(_text(row, role)) for row in waiting]
        new = set().union(*found) - facts.keys()
        if new:
            facts.update(variant_facts(context, new))
        for row, ids in zip(waiting, found, strict=True):
            _step(row, role, [facts[pk] for pk in ids if pk in facts])


def _text(row: CodeRow, role: str) -> str:
    if role == Role.BARCODE:
        digits = row.target.replace(" ", "")
        return digits if digits.isdigit() else ""
    return row.target


def _step(row: CodeRow, role: str, found) -> None:
    orderable = [fact for fact in found if fact.orderable]
    if not orderable:
        if found and row.outcome != Outcome.NOT_IN_ASSORTMENT:
            sold = any(fact.active for fact in found)
            row.outcome = Outcome.NOT_IN_ASSORTMENT if sold else Outcome.INACTIVE
        return
    if len({fact.product_id for fact in orderable}) > 1:
        row.outcome = Outcome.AMBIGUOUS
        return
    fact = orderable[0]
    row.product_id = fact.product_id
    row.variant_id = fact.variant_id if role == Role.BARCODE and len(orderable) == 1 else None
    row.title = fact.title if row.variant_id else fact.product_name
    row.outcome = Outcome.OK


def _save(scope: Scope, result: CodesLoadResult, first_seen: dict[str, CodeRow]) -> None:
    with transaction.atomic():
        existing = {
            code.code_key: code
            for code in PartnerProductCode.objects.select_for_update().filter(
                partner_id=scope.partner_id, code_key__in=list(first_seen)
            )
        }
        created, updated = [], []
        now = timezone.now()
        for key, row in first_seen.items():
            code = existing.get(key)
            if code is None:
                created.append(
                    PartnerProductCode(
                        partner_id=scope.partner_id,
                        product_id=row.product_id,
                        variant_id=row.variant_id,
                        code=row.code,
                        code_key=key,
                        created_by=scope.user,
                    )
                )
            elif (code.product_id, code.variant_id, code.code) != (
                row.product_id,
                row.variant_id,
                row.code,
            ):
                code.product_id, code.variant_id, code.code = (
                    row.product_id,
                    row.variant_id,
                    row.code,
                )
                code.updated_at = now
                updated.append(code)
        PartnerProductCode.objects.bulk_create(created, batch_size=2_000)
        PartnerProductCode.objects.bulk_update(
            updated, ["product", "variant", "code", "updated_at"], batch_size=2_000
        )
    result.saved, result.created, result.updated = True, len(created), len(updated)
