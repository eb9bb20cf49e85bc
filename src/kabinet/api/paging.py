"""Keyset paging by (updated_at, pk), with `updated_since`: an integration reads what changed
since its last run, page after page, and no row is skipped or repeated while others write."""

import base64
import binascii
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from kabinet.api.problems import ApiProblem, item_error

PAGE_DEFAULT = 500
PAGE_MAX = 5_000


class PageQuery(Schema):
    updated_since: datetime | None = Field(
        None, description="Only rows changed at or after this time (ISO 8601)."
    )
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the last page.")
    limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX)

    @field_validator("updated_since")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """In UTC, so that any offset the client sends is one the database accepts."""
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            return value.astimezone(UTC)
        except OverflowError:  # year 1 or 9999 with an offset: beyond anything stored
            if value.year == 1:
                return datetime.min.replace(tzinfo=UTC)
            return datetime.max.replace(tzinfo=UTC)


def _cursor_encode(updated_at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{pk}".encode()).decode()


def _cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = datetime.fromisoformat(stamp)
        if timezone.is_naive(moment):
            raise ValueError(cursor)
        return moment.astimezone(UTC), int(pk)
    except (ValueError, OverflowError, UnicodeError, binascii.Error) as error:
        raise ApiProblem(
            422,
            _("Invalid request"),
            errors=[item_error(None, "cursor", _("not a cursor this API gave"))],
        ) from error


def page(
    queryset: QuerySet, query: PageQuery, *, stamp: str = "updated_at"
) -> tuple[list, str | None]:
    """One page of `queryset` (model instances or `.values()` dicts with `stamp` and pk)."""
    queryset = queryset.order_by(stamp, "pk")
    if query.updated_since is not None:
        queryset = queryset.filter(**{f"{stamp}__gte": query.updated_since})
    if query.cursor:
        moment, pk = _cursor_decode(query.cursor)
        queryset = queryset.filter(
            Q(**{f"{stamp}__gt": moment}) | Q(**{stamp: moment, "pk__gt": pk})
        )
    rows = list(queryset[: query.limit + 1])
    if len(rows) <= query.limit:
        return rows, None
    rows = rows[: query.limit]
    last = rows[-1]
    if isinstance(last, dict):
        return rows, _cursor_encode(last[stamp], last["pk"])
    return rows, _cursor_encode(getattr(last, stamp), last.pk)
