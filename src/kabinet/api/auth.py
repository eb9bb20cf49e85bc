"""Bearer-token authentication for machine clients, one resource at a time.

Each operation declares its resource (`TokenAuth("payments")`); a token opens an operation only
when its `resources` list that resource or "*". A missing, unknown or revoked token answers 401,
a valid token without the resource 403 — both as problem details.
"""

import hashlib
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from kabinet.api.models import ApiToken
from kabinet.api.problems import ApiProblem

ALL_RESOURCES = "*"
# `last_used_at` is written at most once a minute per token: a busy integration must not turn
# every read into a write.
LAST_USE_STEP = timedelta(minutes=1)


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenAuth(HttpBearer):
    def __init__(self, resource: str):
        super().__init__()
        self.resource = resource

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.objects.filter(key_hash=token_hash(token), revoked_at=None).first()
        if found is None:
            return None
        request.api_token = found  # the call log names it, even when the resource is refused
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USE_STEP:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        if self.resource not in found.resources and ALL_RESOURCES not in found.resources:
            raise ApiProblem(
                403,
                _("Forbidden"),
                _("This token may not use the resource “%(resource)s”.")
                % {"resource": self.resource},
            )
        return found
