"""What every machine endpoint does around ninja's view: the access mark for the isolation
walk, the request size limit (413), and one line in the call log."""

import time
from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from kabinet.accounts.access import machine_view
from kabinet.api.problems import problem_response
from kabinet.api.services import api_call_log

READ_CHUNK = 64 * 1024


def _body_limit() -> int:
    return int(settings.KABINET_ERP_API_MAX_MB * 1024 * 1024)


def _too_large(limit: int):
    return problem_response(
        413,
        _("Request too large"),
        _("The body may not exceed %(mb)s MB; split the call.")
        % {"mb": f"{limit / 1024 / 1024:g}"},
    )


def _read_body(request: HttpRequest, limit: int) -> bool:
    """Reads the body up to `limit` bytes; False when it is larger (whatever Content-Length
    says). Read here, so ninja and the multipart parser find it read."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return False
    parts, size = [], 0
    while chunk := request.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            return False
        parts.append(chunk)
    request._body = b"".join(parts)
    return True


def _error_text(response) -> str:
    problem = getattr(response, "problem", None)
    if problem is None:
        return "" if response.status_code < 400 else f"HTTP {response.status_code}"
    lines = [problem["title"], *([problem["detail"]] if problem.get("detail") else [])]
    for error in problem.get("errors", [])[:50]:
        where = " ".join(
            str(part)
            for part in (
                f"item {error['item']}" if error.get("item") is not None else None,
                error.get("field"),
            )
            if part
        )
        lines.append(f"{where}: {error['message']}" if where else error["message"])
    return "\n".join(lines)


def _language(request: HttpRequest) -> str:
    """Messages in the language the client asks for (Accept-Language), else the site's."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def machine_endpoint(view, *, logged: bool = True):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        with translation.override(_language(request)):
            return _handle(view, request, logged, *args, **kwargs)

    return machine_view(wrapper)


def _handle(view, request: HttpRequest, logged: bool, *args, **kwargs):
    started = time.perf_counter()
    # Only a caller with a token gets its body read: without one the answer is 401 anyway.
    writes = request.method in ("POST", "PUT", "PATCH", "DELETE")
    bearer = request.headers.get("Authorization", "").startswith("Bearer ")
    if writes and bearer and not _read_body(request, _body_limit()):
        response = _too_large(_body_limit())
    else:
        response = view(request, *args, **kwargs)
    if logged:
        api_call_log(
            token=getattr(request, "api_token", None),
            method=request.method,
            path=request.get_full_path(),
            status=response.status_code,
            counts=getattr(request, "api_counts", None),
            items=getattr(request, "api_items", 0),
            error=_error_text(response),
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
    return response


def machine_urls(patterns: list, *, not_logged: tuple[str, ...] = ()) -> list:
    """Wraps every view of a ninja URL list (recursively)."""
    wrapped = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            entry.url_patterns[:] = machine_urls(entry.url_patterns, not_logged=not_logged)
            wrapped.append(entry)
        elif isinstance(entry, URLPattern):
            logged = entry.name not in not_logged
            wrapped.append(
                URLPattern(
                    entry.pattern,
                    machine_endpoint(entry.callback, logged=logged),
                    entry.default_args,
                    entry.name,
                )
            )
        else:
            wrapped.append(entry)
    return wrapped
