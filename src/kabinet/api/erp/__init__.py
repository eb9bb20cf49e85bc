"""The ERP integration API (J2): `/api/erp/v1/`, described in docs/erp-api.md.

OpenAPI at `/api/erp/v1/openapi.json` (public: a schema, no data), interactive docs at
`/api/erp/v1/docs` for logged-in staff. Every operation needs a Bearer token that lists its
resource (`kabinet erp-token NAME --resources payments,schedule`).
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from kabinet.api import problems
from kabinet.api.endpoints import machine_urls
from kabinet.api.erp.routes import RESOURCE_NAMES, router

PROBLEM_CODES = ("400", "401", "403", "404", "409", "413", "422")


class Utf8Renderer(JSONRenderer):
    """Cyrillic as it is, not as \\u escapes: readable in logs and in 1C's debugger."""

    json_dumps_params = {"ensure_ascii": False}


class ErpApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are `application/problem+json` (RFC 9457), as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(code) in PROBLEM_CODES and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        return schema


api = ErpApi(
    title="Kabinet ERP API",
    version="1",
    description=(
        "What the supplier's accounting system sends to the partner portal and takes from "
        "it: partners, counterparties, agreements, addresses, partner users, payments, debts, "
        "the payment schedule, orders' payment status and reconciliation acts. "
        "See docs/erp-api.md."
    ),
    urls_namespace="erp-api",
    renderer=Utf8Renderer(),
)
problems.install(api)
api.add_router("", router)


def urlpatterns() -> list:
    patterns, _app, _namespace = api.urls
    for index, entry in enumerate(patterns):
        if isinstance(entry, URLPattern) and entry.name in ("openapi-view", "api-root"):
            patterns[index] = URLPattern(
                entry.pattern, staff_member_required(entry.callback), entry.default_args, entry.name
            )
    return machine_urls(patterns, not_logged=("openapi-json", "openapi-view", "api-root"))


__all__ = ["RESOURCE_NAMES", "api", "urlpatterns"]
