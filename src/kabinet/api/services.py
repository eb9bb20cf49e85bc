"""Tokens and the call log of the machine APIs."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.api.auth import ALL_RESOURCES, token_hash
from kabinet.api.models import ApiCall, ApiToken

TOKEN_PREFIX = "kbt_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; only its hash is stored


@transaction.atomic
def api_token_create(*, name: str, resources: list[str], known: list[str]) -> IssuedToken:
    """A new token for `resources` (names from `known`, or "*" for all of them)."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    if ApiToken.objects.filter(name=name).exists():
        raise ValidationError(_("A token named “%(name)s” already exists.") % {"name": name})
    resources = sorted(set(resources)) or [ALL_RESOURCES]
    unknown = [r for r in resources if r != ALL_RESOURCES and r not in known]
    if unknown:
        raise ValidationError(
            _("Unknown resources: %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, prefix=key[:12], key_hash=token_hash(key), resources=resources
    )
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_call_log(
    *,
    token: ApiToken | None,
    method: str,
    path: str,
    status: int,
    counts: dict[str, int] | None,
    items: int,
    error: str,
    duration_ms: int,
) -> ApiCall:
    counts = counts or {}
    return ApiCall.objects.create(
        token=token,
        method=method,
        path=path[:300],
        status=status,
        items=items,
        created=counts.get("created", 0),
        updated=counts.get("updated", 0),
        unchanged=counts.get("unchanged", 0),
        deleted=counts.get("deleted", 0),
        error=error,
        duration_ms=duration_ms,
    )


def api_calls_purge(*, now=None) -> int:
    """Deletes calls older than `KABINET_API_LOG_KEEP_DAYS` (90) days."""
    limit = (now or timezone.now()) - timedelta(days=settings.KABINET_API_LOG_KEEP_DAYS)
    deleted, _by_model = ApiCall.objects.filter(at__lt=limit).delete()
    return deleted
