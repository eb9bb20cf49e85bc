from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kabinet.accounts.access import public_view
from kabinet.core.health import readiness


@public_view
@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


@public_view
@never_cache
@require_GET
def readyz(request):
    """Readiness: 200 when the database, the cache and the migrations are fine, else 503."""
    checks = readiness()
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "fail",
            "checks": {name: "ok" if fine else "fail" for name, fine in checks.items()},
        },
        status=200 if ready else 503,
    )
