"""Which variant each row means (D1, B9, C4): by article, barcode, 1C code, the partner's own
code or the exact name, in the order the user chose, among the variants the user may order.

Bulk by design: the candidates of every row are loaded with one query per identifier kind (per
batch of `BATCH` values), then what is known of them — whether orderable under the agreement —
with one more: a fixed number of queries whatever the number of rows.

Every kind is looked up in the whole catalog, so that a row can say why it is not orderable:
"not in your assortment" (the product exists and is sold, not under this agreement) differs
from "no longer sold" (inactive) and from "unknown". One identifier matching several orderable
variants (an article of a product in sizes) is ambiguous unless another identifier of the row
narrows it to one; it is reported with its candidates, never guessed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import F, Lookup, Q

from kabinet.catalog.models import Barcode, Variant
from kabinet.catalog.services import search_normalize
from kabinet.imports.models import ImportRow, PartnerProductCode
from kabinet.imports.reading import Role
from kabinet.pricing.selectors import PricingContext, orderable_products, prices_for

BATCH = 10_000
DEFAULT_ORDER = (Role.ARTICLE, Role.BARCODE, Role.ERP_CODE, Role.PARTNER_CODE, Role.NAME)
Outcome = ImportRow.Outcome


@dataclass(frozen=True, slots=True)
class VariantFacts:
    variant_id: int
    product_id: int
    product_name: str
    title: str
    article: str
    unit: str
    fractional: bool
    multiple: Decimal
    minimum: Decimal
    active: bool
    orderable: bool
    # The variant's colour and size, or the parts of its name ("Белый, M") without them.
    characteristics: tuple[str, ...] = ()


@dataclass(slots=True)
class Match:
    outcome: str
    variant_id: int | None = None
    matched_by: str = ""
    candidates: list[int] = field(default_factory=list)


def match_order_clean(order: Iterable[str] | None) -> list[str]:
    """The user's order of identifier kinds, completed with the default order's missing ones."""
    known = [role.value for role in DEFAULT_ORDER]
    chosen = [role for role in dict.fromkeys(order or ()) if role in known]
    return chosen + [role for role in known if role not in chosen]


def attempts_for(row: ImportRow, order: list[str]) -> list[tuple[str, str]]:
    """(kind, text) to try for a row, in order. A pasted or corrected code is tried as every
    kind; a file's cells each as their column's kind."""
    identifiers = row.identifiers or {}
    if not row.any_code:
        return [(role, identifiers[role]) for role in order if identifiers.get(role)]
    text = identifiers.get(Role.ARTICLE) or next(iter(identifiers.values()), "")
    if not text:
        return []
    digits = text.replace(" ", "")
    return [
        (role, digits if role == Role.BARCODE else text)
        for role in order
        if role != Role.BARCODE or digits.isdigit()
    ]


# --- Forms: the texts an identifier is looked up as --------------------------------------------
# A row is looked up by its own forms only, so that its result never depends on the other rows
# of the file (the database is asked for the forms of all rows at once).


def _code_forms(text: str) -> set[str]:
    """An article as compared: case, ё/е and look-alike Latin/Cyrillic letters do not matter
    (`СА-500` in Cyrillic is `CA-500` in Latin), as in `Product.article_key`."""
    return {search_normalize(text)}


def _barcode_forms(text: str) -> set[str]:
    text = text.strip()
    if not text.isdigit():
        return {text}
    stripped = text.lstrip("0") or "0"
    return {text, stripped, *(stripped.zfill(width) for width in (8, 12, 13, 14))}


def _erp_forms(text: str) -> set[str]:
    forms = _code_forms(text)
    text = text.strip()
    if text.isdigit():
        stripped = text.lstrip("0") or "0"
        forms |= {stripped, *(stripped.zfill(width) for width in (9, 11))}
    return forms


def _name_key(text: str) -> str:
    return " ".join(text.split())


def _name_splits(text: str) -> list[tuple[str, str]]:
    """("product name", "variant") splits of a name: the whole, then without its last one or
    two words ("Перчатки нитриловые M" is the product "Перчатки нитриловые" in size M)."""
    words = _name_key(text).split(" ")
    splits = [(" ".join(words), "")]
    for tail in (1, 2):
        if len(words) > tail:
            splits.append((" ".join(words[:-tail]), _words(" ".join(words[-tail:]))))
    return splits


# --- Candidate loading: one query per kind and batch ---------------------------------------


class _AnyOf(Lookup):
    """`column = ANY(%s)`: the values as one array parameter. PostgreSQL plans it like IN, and
    a query with one parameter is far cheaper to build and send than one with thousands."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def one_of(field: str, values: list):
    """A filter: `field` is one of `values` (an array on PostgreSQL, IN elsewhere)."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), values)
    return Q(**{f"{field}__in": values})


def _batches(values: Iterable) -> Iterable[list]:
    values = sorted(set(values))
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _by_product_field(field_name: str, forms) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for batch in _batches(forms):
        rows = (
            Variant.objects.filter(one_of(f"product__{field_name}", batch))
            .order_by()
            .values_list("pk", f"product__{field_name}")
        )
        for variant_id, value in rows:
            found.setdefault(value, set()).add(variant_id)
    return found


def _by_barcode(forms) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for batch in _batches(forms):
        rows = Barcode.objects.filter(one_of("code", batch)).values_list("variant_id", "code")
        for variant_id, code in rows:
            found.setdefault(code, set()).add(variant_id)
    return found


def _by_partner_code(partner_id: int, keys) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    whole_products: dict[int, list[str]] = {}
    for batch in _batches(keys):
        codes = PartnerProductCode.objects.filter(
            one_of("code_key", batch), partner_id=partner_id
        ).values_list("code_key", "product_id", "variant_id")
        for code_key, product_id, variant_id in codes:
            if variant_id is not None:
                found.setdefault(code_key, set()).add(variant_id)
            else:
                whole_products.setdefault(product_id, []).append(code_key)
    for batch in _batches(whole_products):
        rows = (
            Variant.objects.filter(one_of("product_id", batch))
            .order_by()
            .values_list("pk", "product_id")
        )
        for variant_id, product_id in rows:
            for code_key in whole_products[product_id]:
                found.setdefault(code_key, set()).add(variant_id)
    return found


def _by_name(names) -> dict[tuple[str, str], set[int]]:
    """{(product name, variant tail as `_words` or ""): variant ids}."""
    splits = {split for name in names for split in _name_splits(name)}
    found: dict[tuple[str, str], set[int]] = {}
    for batch in _batches(product for product, _tail in splits):
        rows = (
            Variant.objects.filter(one_of("product__name", batch))
            .order_by()
            .values_list("pk", "product__name", "name", "size")
        )
        for variant_id, product_name, variant_name, size in rows:
            found.setdefault((product_name, ""), set()).add(variant_id)
            for tail in {_words(variant_name), _words(size)} - {""}:
                found.setdefault((product_name, tail), set()).add(variant_id)
    return {split: ids for split, ids in found.items() if split in splits or split[1] == ""}


class Lookup:
    """The candidates of one kind of identifier for a set of texts: `of(text)` is the variant
    ids a text names (whatever its state: the facts tell orderable from not)."""

    def __init__(self, role: str, texts: set[str], *, partner_id: int):
        self.role = role
        if role == Role.ARTICLE:
            self.found = _by_product_field("article_key", _union(_code_forms, texts))
        elif role == Role.ERP_CODE:
            self.found = _by_product_field("erp_code_key", _union(_erp_forms, texts))
        elif role == Role.BARCODE:
            self.found = _by_barcode(_union(_barcode_forms, texts))
        elif role == Role.PARTNER_CODE:
            self.found = _by_partner_code(partner_id, {search_normalize(t) for t in texts})
        else:
            self.names = _by_name(texts)

    def of(self, text: str) -> set[int]:
        if self.role == Role.ARTICLE:
            return _found(self.found, _code_forms(text))
        if self.role == Role.ERP_CODE:
            return _found(self.found, _erp_forms(text))
        if self.role == Role.BARCODE:
            return _found(self.found, _barcode_forms(text))
        if self.role == Role.PARTNER_CODE:
            return self.found.get(search_normalize(text), _NOTHING)
        for split in _name_splits(text):
            if found := self.names.get(split):
                return found
        return _NOTHING


_NOTHING: frozenset[int] = frozenset()


def _found(found: dict[str, set[int]], forms: set[str]) -> set[int] | frozenset[int]:
    """The ids of every form found; the found set itself when one form is (most rows): not a
    copy per row, which for 100,000 rows is tens of megabytes."""
    hits = [found[form] for form in forms if form in found]
    if not hits:
        return _NOTHING
    return hits[0] if len(hits) == 1 else set().union(*hits)


def _union(forms, texts) -> set[str]:
    return {form for text in texts for form in forms(text)}


# --- Facts of the candidates ------------------------------------------------------------------

_FACT_FIELDS = (
    "pk",
    "product_id",
    "product__name",
    "name",
    "product__article",
    "product__unit",
    "product__fractional",
    "product__order_multiple",
    "product__min_quantity",
    "is_active",
    "product__is_active",
    "color",
    "size",
)


def variant_facts(
    context: PricingContext, variant_ids: Iterable[int], *, known: dict | None = None
) -> dict[int, VariantFacts]:
    """What the checks need of each variant, and whether it is orderable under the agreement:
    an active variant of a product `pricing.selectors.orderable_products` lists (which is what
    `orderable_variants` says, asked per product: a product has several sizes). Two queries
    per batch.

    `known`: the facts already loaded, to add to (a large file's batches share them); the
    texts and numbers that variants share are stored once.
    """
    facts: dict[int, VariantFacts] = {} if known is None else known
    shared: dict = {}
    for batch in _batches(variant_ids):
        rows = Variant.objects.filter(one_of("pk", batch)).order_by().values_list(*_FACT_FIELDS)
        rows = list(rows)
        products = orderable_products(context).filter(one_of("pk", list({r[1] for r in rows})))
        orderable = set(products.order_by().values_list("pk", flat=True))
        for pk, product_id, product, name, article, unit, fractional, *rest in rows:
            multiple, minimum, active, product_active, color, size = rest
            product, article, unit = (shared.setdefault(v, v) for v in (product, article, unit))
            facts[pk] = VariantFacts(
                variant_id=pk,
                product_id=product_id,
                product_name=product,
                title=f"{product} {name}" if name else product,
                article=article,
                unit=unit,
                fractional=fractional,
                multiple=shared.setdefault(multiple, multiple),
                minimum=shared.setdefault(minimum, minimum),
                active=active and product_active,
                orderable=active and product_id in orderable,
                characteristics=shared.setdefault(*[_characteristics(name, color, size)] * 2),
            )
    return facts


def _characteristics(name: str, color: str, size: str) -> tuple[str, ...]:
    values = [value for value in (color, size) if value.strip()]
    if not values:
        values = [part for part in name.split(",") if part.strip()]
    return tuple(_words(value) for value in values)


def _words(text: str) -> str:
    """Compared as codes are (`search_normalize`: case, ё/е, Latin/Cyrillic look-alikes, so a
    Cyrillic "М" is the size "M"), punctuation as spaces: "Тёмно-синий" → "темно синий"."""
    text = search_normalize(text)
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


# --- Resolution -------------------------------------------------------------------------------


class _RowState:
    """One row on its way through the kinds of identifiers (see `match_rows`)."""

    __slots__ = ("attempts", "failure", "match", "pool", "pool_role")

    def __init__(self, attempts: list[tuple[str, str]]):
        self.attempts = dict(reversed(attempts))  # the first text of each kind
        self.pool: set[int] | None = None
        self.pool_role = ""
        self.failure: str | None = None
        self.match: Match | None = None if attempts else Match(Outcome.NO_IDENTIFIER)

    def step(self, role: str, found: list[VariantFacts]) -> None:
        """What this kind of identifier found: orderable ones narrow the pool until one is left;
        found but not orderable says why, if nothing better turns up."""
        if not found:
            return
        orderable = {fact.variant_id for fact in found if fact.orderable}
        if not orderable:
            # Sold, but not under this agreement, says more than "no longer sold".
            if self.failure != Outcome.NOT_IN_ASSORTMENT:
                sold = any(fact.active for fact in found)
                self.failure = Outcome.NOT_IN_ASSORTMENT if sold else Outcome.INACTIVE
            return
        if self.pool is None:
            self.pool, self.pool_role = orderable, role
        elif self.pool & orderable:
            self.pool, self.pool_role = self.pool & orderable, role
        if len(self.pool) == 1:
            self.match = Match(Outcome.OK, variant_id=next(iter(self.pool)), matched_by=role)

    def narrow(self, text: str, facts: dict[int, VariantFacts]) -> None:
        """Keep the candidates whose colour and size the text names (one: the match). The
        product's own name is left out of the text first: "Перчатки M-Line, S" is size S."""
        if not text:
            return
        words = _words(text)
        named = {pk for pk in self.pool if _named(words, facts[pk])}
        if not named:
            return
        self.pool = named
        if len(named) == 1:
            self.match = Match(Outcome.OK, variant_id=next(iter(named)), matched_by=self.pool_role)

    def result(self) -> Match:
        if self.match is not None:
            return self.match
        if self.pool:
            return Match(Outcome.AMBIGUOUS, candidates=sorted(self.pool))
        return Match(self.failure or Outcome.UNKNOWN)


def match_rows(
    *,
    context: PricingContext,
    rows: list[ImportRow],
    order: list[str],
    known: dict[int, VariantFacts] | None = None,
) -> dict[int, VariantFacts]:
    """Set `variant`, `matched_by`, `outcome` and `candidates` of each row; the facts of every
    candidate found (for the quantity checks that follow), added to `known` when given.

    Kind by kind in the user's order, each looked up for the rows still unresolved only: an
    article that names one orderable variant spares its row the barcode and name look-ups.
    At most one query per kind and batch, and one for the facts of what each kind found.
    A row left with several variants of a product (its article) takes the one whose colour and
    size its name column names ("Перчатки белые M", or just "белый M").
    """
    states = [_RowState(attempts_for(row, order)) for row in rows]
    facts: dict[int, VariantFacts] = {} if known is None else known
    for role in order:
        waiting = [
            (state, state.attempts[role])
            for state in states
            if state.match is None and role in state.attempts
        ]
        if not waiting:
            continue
        lookup = Lookup(role, {text for _state, text in waiting}, partner_id=context.partner_id)
        found = [lookup.of(text) for _state, text in waiting]
        new = set().union(*found) - facts.keys()
        if new:
            variant_facts(context, new, known=facts)
        for (state, _text), ids in zip(waiting, found, strict=True):
            state.step(role, [facts[pk] for pk in ids if pk in facts])
    for row, state in zip(rows, states, strict=True):
        if state.match is None and state.pool and len(state.pool) > 1:
            state.narrow(_name_text(row), facts)
    matches = [state.result() for state in states]
    unpriced = unpriced_ids(context, {match.variant_id for match in matches if match.variant_id})
    for row, match in zip(rows, matches, strict=True):
        if match.variant_id in unpriced:  # a size the agreement's price list leaves out
            match = Match(Outcome.NOT_IN_ASSORTMENT)
        row.variant_id = match.variant_id
        row.matched_by = match.matched_by
        row.outcome = match.outcome
        row.candidates = match.candidates
    return facts


def _name_text(row: ImportRow) -> str:
    """The row's text that may name a colour and a size: its name cell, or a typed code."""
    identifiers = row.identifiers or {}
    if row.any_code:
        return identifiers.get(Role.ARTICLE, "")
    return identifiers.get(Role.NAME, "")


def _named(words: str, fact: VariantFacts) -> bool:
    """Whether every characteristic of the variant is a word (or words) of the text, once the
    product's name is taken off its start."""
    if not fact.characteristics:
        return False
    product = _words(fact.product_name)
    if product and (words == product or words.startswith(product + " ")):
        words = words[len(product) :]
    padded = f" {words} "
    return all(f" {value} " in padded for value in fact.characteristics)


def unpriced_ids(context: PricingContext, variant_ids: set[int]) -> set[int]:
    """The variants without a price for the agreement (`pricing.selectors.prices_for`, the
    cart's own test): the cart would refuse them."""
    priced: set[int] = set()
    for batch in _batches(variant_ids):
        ids = Variant.objects.filter(one_of("pk", batch)).order_by().values("pk")
        priced |= set(prices_for(context=context, variant_ids=ids))
    return variant_ids - priced
