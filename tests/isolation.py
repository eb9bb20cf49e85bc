"""The cross-partner isolation walker (A4).

It discovers every route from the URL resolver, so a new page is covered the day it is added:
- every view must declare its access (`partner_view`, `public_view`, `staff_view`) or be
  Django's admin;
- a partner user gets 403 from every staff page (`staff_view`), on GET and POST;
- a user of another partner, filling each route's parameters with the victim's row ids, gets
  403/404, on GET and POST, and no response ever shows a value of the victim's rows;
- an employee of the victim partner without a route's section gets 403 everywhere in it;
- after all of that, no victim row has changed.

`isolation_problems()` returns what went wrong as readable lines; the test asserts it is empty,
and a test of the test runs it on a deliberately leaky URLconf.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from kabinet.accounts.access import MACHINE, PARTNER, PUBLIC, STAFF
from kabinet.accounts.models import Partner

ADMIN_NAMESPACE = "admin"
GENERIC_POST_KEYS = [
    "id",
    "pk",
    "counterparty",
    "agreement",
    "address",
    "user",
    "order",
    "cart",
    "conversation",
    "claim",
    "status",
]


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "employees/<int:user_id>/"
    converters: dict[str, str]  # parameter name → converter type ("int", "str", …)
    callback: object
    namespace: str

    @property
    def access(self):
        return getattr(self.callback, "access", None)


def routes(urlconf=None) -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str, converters: dict[str, str]):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                yield from walk(
                    entry, prefix + str(entry.pattern), ns, {**converters, **_converters(entry)}
                )
            elif isinstance(entry, URLPattern):
                yield Route(
                    route=prefix + str(entry.pattern),
                    converters={**converters, **_converters(entry)},
                    callback=entry.callback,
                    namespace=namespace,
                )

    yield from walk(get_resolver(urlconf), "", "", {})


def _converters(entry) -> dict[str, str]:
    if not isinstance(entry.pattern, RoutePattern):
        return {}
    names = {
        "IntConverter": "int",
        "StringConverter": "str",
        "SlugConverter": "slug",
        "UUIDConverter": "uuid",
        "PathConverter": "path",
    }
    return {
        name: names.get(type(converter).__name__, "str")
        for name, converter in entry.pattern.converters.items()
    }


def _fill(route: Route, values: dict[str, object]) -> str:
    path = route.route
    for name, kind in route.converters.items():
        path = path.replace(f"<{kind}:{name}>", str(values[name])).replace(
            f"<{name}>", str(values[name])
        )
    return "/" + path.lstrip("^").rstrip("$")


def partner_path(model) -> str | None:
    """The ORM lookup from a model to its owning Partner ('counterparty__partner'), if any.

    Foreign keys (and one-to-one keys) are followed; a many-to-many field counts only when it
    points at Partner itself: rows addressed to chosen partners (an event, a news item) are
    the victim's rows too.
    """
    if model is Partner:
        return "pk"
    frontier = [(model, "")]
    for _depth in range(4):
        next_frontier, addressed = [], None
        for current, path in frontier:
            for field in current._meta.get_fields():
                if not field.concrete or field.related_model is None:
                    continue
                lookup = f"{path}__{field.name}" if path else field.name
                if field.many_to_many:
                    if field.related_model is Partner and addressed is None:
                        addressed = lookup
                    continue
                if not (field.many_to_one or field.one_to_one):
                    continue
                if field.related_model is Partner:
                    return lookup
                next_frontier.append((field.related_model, lookup))
        if addressed is not None:  # an owner by key wins over an audience at the same depth
            return addressed
        frontier = next_frontier
    return None


def partner_rows(partner) -> dict[type, list]:
    rows = {}
    for model in apps.get_models():
        path = partner_path(model)
        if path is not None:
            found = model._base_manager.filter(**{path: partner.pk})
            rows[model] = list(found.distinct() if "__" in path else found)
    return rows


def _snapshot(rows: dict[type, list]) -> dict:
    snapshot = {}
    for model, objects in rows.items():
        values = model._base_manager.filter(pk__in=[o.pk for o in objects]).order_by("pk").values()
        snapshot[model._meta.label] = list(values)
    return snapshot


def _strings(rows: dict[type, list]) -> set[str]:
    found = set()
    for model, objects in rows.items():
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        for obj in objects:
            for attname in text_fields:
                value = getattr(obj, attname)
                if (
                    isinstance(value, str)
                    and len(value) >= 6
                    and not value.startswith(("pbkdf2", "md5$", "kabinet_temp"))
                ):
                    found.add(value)
    return found


def isolation_problems(
    *,
    victim,
    attacker_user,
    victim_employee_without_sections,
    attacker_manager=None,
    urlconf=None,
):
    """Walk every route; return the problems found (an empty list when isolation holds).

    With `attacker_manager` (a supplier manager of other partners than the victim), the staff
    pages are walked as that manager too: 403/404 on the victim's ids, no victim value shown.
    """
    problems: list[str] = []
    victim_rows = partner_rows(victim)
    attacker_rows = partner_rows(attacker_user.partner)
    secrets = _strings(victim_rows) - _strings(attacker_rows)
    attacker_ids = {obj.pk for objects in attacker_rows.values() for obj in objects}
    # A few ids of each of the victim's tables: every kind of row is tried on every route,
    # without trying every row (the walk would grow with the fixtures, not with the routes).
    victim_ids = sorted(
        {obj.pk for objects in victim_rows.values() for obj in objects[:2] + objects[-1:]}
        - attacker_ids
    )
    victim_ext_ids = sorted(
        {
            obj.ext_id
            for objects in victim_rows.values()
            for obj in objects[:2] + objects[-1:]
            if getattr(obj, "ext_id", None)
        }
    )
    # The victim's own employee acts during the walk (logs in, logs out everywhere): its own row
    # may change; every other victim row must not.
    watched = {
        model: [o for o in objects if o != victim_employee_without_sections]
        for model, objects in victim_rows.items()
    }
    before = _snapshot(watched)

    attacker = _LoggedIn(attacker_user)
    manager = _LoggedIn(attacker_manager) if attacker_manager is not None else None
    employee = _LoggedIn(victim_employee_without_sections)

    def check_body(response, label, typed=()):
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        # What the attacker typed into the URL may be echoed back; that reveals nothing.
        leaked = sorted(s for s in secrets - {str(t) for t in typed} if s in body)
        if leaked:
            problems.append(f"{label}: shows another partner's data {leaked[:3]}")

    for route in routes(urlconf):
        label = f"/{route.route}"
        if route.namespace == ADMIN_NAMESPACE:
            if not route.converters:
                response = attacker.get(_fill(route, {}))
                if route.route == "admin/" and response.status_code != 302:
                    problems.append(f"{label}: admin answered {response.status_code} to a partner")
                check_body(response, label)
            continue
        if route.access is None:
            problems.append(f"{label}: the view declares no access (partner_view/public_view)")
            continue
        kind, section = route.access
        fillings = _fillings(route, victim_ids, victim_ext_ids)
        if route.converters and not fillings:
            problems.append(f"{label}: no victim values to try for {route.converters}")
        for values in fillings or [{}]:
            url = _fill(route, values)
            post_data = dict.fromkeys(GENERIC_POST_KEYS, victim_ids[0]) if victim_ids else {}
            for method, response in (
                ("GET", attacker.get(url)),
                ("POST", attacker.post(url, post_data)),
            ):
                check_body(response, f"{method} {url}", typed=values.values())
                # 405: the route does not take this method at all, before any lookup.
                if (
                    kind == PARTNER
                    and route.converters
                    and response.status_code
                    not in (
                        403,
                        404,
                        405,
                    )
                ):
                    problems.append(
                        f"{method} {url}: another partner's id answered {response.status_code}"
                    )
                if kind == STAFF and response.status_code != 403:
                    problems.append(
                        f"{method} {url}: a staff page answered {response.status_code} to a partner"
                    )
                if kind == PARTNER and not route.converters and response.status_code >= 500:
                    problems.append(f"{method} {url}: error {response.status_code}")
            if kind == STAFF and manager is not None:
                for method, response in (
                    ("GET", manager.get(url)),
                    ("POST", manager.post(url, post_data)),
                ):
                    label_manager = f"{method} {url} (another manager)"
                    check_body(response, label_manager, typed=values.values())
                    if route.converters and response.status_code not in (403, 404, 405):
                        problems.append(
                            f"{label_manager}: the victim's id answered {response.status_code}"
                        )
                    if response.status_code >= 500:
                        problems.append(f"{label_manager}: error {response.status_code}")
            if kind == PARTNER and section is not None:
                for method in ("get", "post"):
                    response = getattr(employee, method)(url)
                    if response.status_code != 403:
                        problems.append(
                            f"{method.upper()} {url}: an employee without '{section}' got "
                            f"{response.status_code}"
                        )
        if kind not in (PARTNER, PUBLIC, MACHINE, STAFF):
            problems.append(f"{label}: unknown access kind {kind!r}")

    if _snapshot(watched) != before:
        problems.append("another partner's rows changed during the walk")
    return problems


class _LoggedIn:
    """A client that is logged in again before each request (the walk also POSTs to logout)."""

    def __init__(self, user):
        self.user = user
        self.client = Client(raise_request_exception=False)

    def _login(self):
        self.user.refresh_from_db()
        self.client.force_login(self.user)

    def get(self, url, data=None):
        self._login()
        return self.client.get(url, data)

    def post(self, url, data=None):
        self._login()
        return self.client.post(url, data or {})


def _fillings(route: Route, victim_ids: list[int], victim_ext_ids: list[str]) -> list[dict]:
    """Each parameter tried with each victim value (others held at the first one)."""
    if not route.converters:
        return []
    candidates = {
        name: (victim_ids if kind == "int" else victim_ext_ids or ["x"])
        for name, kind in route.converters.items()
    }
    if any(not values for values in candidates.values()):
        return []
    base = {name: values[0] for name, values in candidates.items()}
    fillings = []
    for name, values in candidates.items():
        for value in values:
            fillings.append({**base, name: value})
    return fillings
