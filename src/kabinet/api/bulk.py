"""Idempotent bulk upserts by the client's id (`ext_id`): the one way our APIs write.

A call names the rows it wants (`items`) and the ids it wants gone (`deleted`); nothing is
inferred from what a call leaves out. The resource's service checks every item first and
raises one `ApiProblem` listing each bad item (nothing is written), then calls `bulk_upsert`
inside its transaction. Writing the same call again changes nothing and answers "unchanged".
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import StringConstraints, create_model

from kabinet.api.problems import ApiProblem, item_error

MAX_ITEMS = 10_000
BATCH = 500

# The client's id of a row: what upserts are keyed by.
# NUL is refused in every text: PostgreSQL cannot store it.
NO_NUL = r"^[^\x00]*$"
ExtId = Annotated[
    str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True, pattern=NO_NUL)
]


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    created_keys: set = field(default_factory=set, repr=False)
    updated_keys: set = field(default_factory=set, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }

    def add(self, other: "UpsertCounts") -> None:
        for name in ("created", "updated", "unchanged", "deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class UpsertResult(Schema):
    created: int
    updated: int
    unchanged: int
    deleted: int


def bulk_body(name: str, item: type[Schema], *, deletions: bool = True) -> type[Schema]:
    """The body of a bulk call: `{"items": [...], "deleted": ["ext_id", ...]}`."""
    fields: dict[str, Any] = {
        "items": (list[item], SchemaField(default=[], max_length=MAX_ITEMS)),
    }
    if deletions:
        fields["deleted"] = (
            list[ExtId],
            SchemaField(
                default=[],
                max_length=MAX_ITEMS,
                description="ERP ids of rows to delete (explicitly; absence deletes nothing).",
            ),
        )
    return create_model(name, __base__=Schema, **fields)


def chunks(values: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def refs_resolve(
    queryset: models.QuerySet, keys: Iterable[str], *, key_field: str = "ext_id", **values: Any
) -> dict[str, dict[str, Any]]:
    """`ext_id` → the requested values of the rows that exist, in a few queries.

    `refs_resolve(Counterparty.objects, ids, pk=F("pk"), partner_id=F("partner_id"))`.
    """
    found: dict[str, dict[str, Any]] = {}
    names = list(values)
    plain = [name for name, value in values.items() if isinstance(value, F) and value.name == name]
    expressions = {name: value for name, value in values.items() if name not in plain}
    for chunk in chunks({key for key in keys if key}):
        rows = queryset.filter(**{f"{key_field}__in": chunk}).values(
            key_field, *plain, **expressions
        )
        for row in rows:
            found[row[key_field]] = {name: row[name] for name in names}
    return found


def duplicates_check(keys: Sequence[str], errors: list[dict], *, field: str = "ext_id") -> None:
    """The same id twice in one call is ambiguous: which one should win?"""
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            message = _("the same %(field)s as item %(item)d") % {
                "field": field,
                "item": first[key],
            }
            errors.append(item_error(index, field, message))
        else:
            first[key] = index


def size_check(*, items: int, deleted: int = 0) -> None:
    if items + deleted > MAX_ITEMS:
        raise ApiProblem(
            413,
            _("Too many items"),
            _("At most %(max)d items and deletions per call; split the call.") % {"max": MAX_ITEMS},
        )


def errors_raise(errors: list[dict]) -> None:
    if errors:
        errors.sort(key=lambda error: (error["item"] is None, error["item"] or 0))
        raise ApiProblem(
            422,
            _("Invalid items"),
            ngettext(
                "%(count)d problem found; nothing was changed.",
                "%(count)d problems found; nothing was changed.",
                len(errors),
            )
            % {"count": len(errors)},
            errors,
        )


def _same(current: Any, desired: Any) -> bool:
    return current == desired


def bulk_upsert(
    *,
    model: type[models.Model],
    rows: Mapping[Any, dict[str, Any]],
    deleted: Iterable[Any] = (),
    key_field: str = "ext_id",
    deactivate_field: str | None = None,
) -> UpsertCounts:
    """Creates, updates (only the fields that differ) and deletes rows keyed by `key_field`.

    `rows`: key → the model field values wanted. `deleted`: keys to delete; with
    `deactivate_field` ("is_active") rows are switched off instead of deleted, since orders
    and history still point to them. Keys already absent count as unchanged. Call it inside
    the service's transaction.
    """
    counts = UpsertCounts()
    names = sorted({name for fields in rows.values() for name in fields})
    if deactivate_field:
        names = sorted({*names, deactivate_field})
    deleted = set(deleted)
    existing: dict[Any, models.Model] = {}
    # Rows nothing refers to are rewritten (one DELETE and one INSERT, keeping their keys):
    # Django's bulk_update builds a CASE per row and field, ~10 s for 10,000 rows.
    rewrite = not model._meta.related_objects
    for chunk in chunks({*rows, *deleted}):
        queryset = model._base_manager.filter(**{f"{key_field}__in": chunk})
        for obj in queryset if rewrite else queryset.only(key_field, *names):
            existing[getattr(obj, key_field)] = obj
    now = timezone.now()
    touch = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else []
    new = []
    changed_by_fields: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
    for key, fields in rows.items():
        obj = existing.get(key)
        if obj is None:
            new.append(model(**{key_field: key}, **fields))
            continue
        changed = tuple(
            name for name, value in fields.items() if not _same(getattr(obj, name), value)
        )
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, fields[name])
        for name in touch:
            setattr(obj, name, now)
        changed_by_fields[changed].append(obj)
        counts.updated += 1
        counts.updated_keys.add(key)
    model._base_manager.bulk_create(new, batch_size=BATCH)
    counts.created = len(new)
    counts.created_keys = {getattr(obj, key_field) for obj in new}
    if rewrite:
        objs = [obj for group in changed_by_fields.values() for obj in group]
        for chunk in chunks(obj.pk for obj in objs):
            model._base_manager.filter(pk__in=chunk).delete()
        model._base_manager.bulk_create(objs, batch_size=BATCH)
    else:
        for changed, objs in changed_by_fields.items():
            model._base_manager.bulk_update(objs, [*changed, *touch], batch_size=BATCH)
    gone = [existing[key] for key in deleted if key in existing]
    counts.unchanged += len(deleted) - len(gone)
    if deactivate_field:
        active = [obj for obj in gone if getattr(obj, deactivate_field)]
        counts.unchanged += len(gone) - len(active)
        for obj in active:
            setattr(obj, deactivate_field, False)
            for name in touch:
                setattr(obj, name, now)
        model._base_manager.bulk_update(active, [deactivate_field, *touch], batch_size=BATCH)
        counts.deleted = len(active)
    else:
        for chunk in chunks(obj.pk for obj in gone):
            model._base_manager.filter(pk__in=chunk).delete()
        counts.deleted = len(gone)
    return counts
