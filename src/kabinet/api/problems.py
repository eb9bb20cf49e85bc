"""RFC 9457 problem details: every error of our APIs is `application/problem+json`.

    {"type": "about:blank", "title": "Invalid items", "status": 422,
     "detail": "2 items are invalid; nothing was changed.",
     "errors": [{"item": 3, "field": "amount", "message": "must be greater than 0"}]}

`errors[].item` is the index of the item in a bulk call's `items` (from 0), `field` the path of
the field inside it (dots between levels). `install(api)` makes a NinjaAPI answer so.
"""

from typing import Any

from django.db import IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_JSON = "application/problem+json"
ERRORS_SHOWN = 200  # a call with 10,000 bad items still answers in a readable size


class ProblemError(Schema):
    item: int | None = None
    field: str | None = None
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemError] = []


class ApiProblem(Exception):
    """Raise it anywhere under an API view: the caller gets the problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []


def item_error(item: int | None, field: str | None, message: str) -> dict[str, Any]:
    return {"item": item, "field": field, "message": message}


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    errors = errors or []
    body["errors"] = errors[:ERRORS_SHOWN]
    response = JsonResponse(
        body, status=status, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    response.problem = body  # for the call log
    return response


def _validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's `loc` ("body", "payload", "items", 3, "amount") → item 3, field "amount"."""
    found = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload", "query")]
        item = None
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            item, loc = loc[1], loc[2:]
        field = ".".join(str(part) for part in loc) or None
        found.append(item_error(item, field, error.get("msg", "")))
    return found


def _on_validation(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    errors = _validation_errors(exc.errors)
    return problem_response(
        422,
        _("Invalid request"),
        _("The request does not match the schema; nothing was changed."),
        errors,
    )


def _on_problem(request: HttpRequest, exc: ApiProblem) -> JsonResponse:
    return problem_response(exc.status, exc.title, exc.detail, exc.errors)


def _on_authentication(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    return problem_response(
        401,
        _("Unauthorized"),
        _("Send a valid token: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": 'Bearer realm="kabinet"'},
    )


def _on_http(request: HttpRequest, exc: HttpError) -> JsonResponse:
    return problem_response(exc.status_code, str(exc))


def _on_not_found(request: HttpRequest, exc: Http404) -> JsonResponse:
    return problem_response(404, _("Not found"))


def _on_integrity(request: HttpRequest, exc: IntegrityError) -> JsonResponse:
    """Two calls creating the same new ids at once: the later one is refused whole."""
    return problem_response(
        409,
        _("Conflict"),
        _(
            "Another call changed the same rows at the same time; nothing was changed. "
            "Send the call again."
        ),
    )


def install(api) -> None:
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(IntegrityError, _on_integrity)
    api.add_exception_handler(ValidationError, _on_validation)
    api.add_exception_handler(ApiProblem, _on_problem)
    api.add_exception_handler(AuthenticationError, _on_authentication)
    api.add_exception_handler(HttpError, _on_http)
