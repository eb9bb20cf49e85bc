"""The file's entities against the database: loads what they refer to, reports what does not fit."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from kabinet.accounts.models import Agreement, Counterparty, DeliveryAddress, Partner, User
from kabinet.accounts.partner_loading.entities import (
    ADDRESSES,
    AGREEMENTS,
    COUNTERPARTIES,
    PARENT,
    Entities,
    _Entity,
    _Kind,
)
from kabinet.accounts.partner_loading.report import LoadError
from kabinet.pricing.models import PriceType

BATCH = 500


def _chunks(values: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _fetch(queryset: models.QuerySet, lookup: str, values: Iterable[Any]) -> list[Any]:
    return [obj for chunk in _chunks(set(values)) for obj in queryset.filter(**{lookup: chunk})]


@dataclass
class _Existing:
    partners: dict[str, Partner]
    managers: dict[str, int]
    price_types: dict[str, int]
    counterparties: dict[str, Counterparty]
    agreements: dict[str, Agreement]
    addresses: dict[str, DeliveryAddress]
    users: dict[str, User]  # administrator key → the user it is


def _existing_fetch(found: Entities, columns: set[str], errors: list[LoadError]) -> _Existing:
    """Loads every row the file refers to in a few queries, reporting what does not fit."""
    partners = _fetch(Partner.objects.all(), "ext_id__in", found["partners"])
    parents = {e.values[PARENT] for e in found["counterparties"].values() if PARENT in e.values}
    counterparties = _fetch(
        Counterparty.objects.annotate(
            partner_ext_id=F("partner__ext_id"), partner_name=F("partner__name")
        ),
        "ext_id__in",
        {*found["counterparties"], *parents},
    )
    owned = {
        "partner_ext_id": F("counterparty__partner__ext_id"),
        "partner_name": F("counterparty__partner__name"),
    }
    existing = _Existing(
        partners={p.ext_id: p for p in partners},
        managers=_managers_match(found["partners"], errors),
        price_types=_price_types_match(found["agreements"], errors),
        counterparties={c.ext_id: c for c in counterparties},
        agreements={
            a.ext_id: a
            for a in _fetch(Agreement.objects.annotate(**owned), "ext_id__in", found["agreements"])
        },
        addresses={
            a.ext_id: a
            for a in _fetch(
                DeliveryAddress.objects.annotate(**owned), "ext_id__in", found["addresses"]
            )
        },
        users=_administrators_match(found["administrators"], errors),
    )
    _counterparties_check(found, existing.counterparties, errors)
    if PARENT in columns:
        _parent_loops_check(found["counterparties"], errors)
    for kind, current in ((AGREEMENTS, existing.agreements), (ADDRESSES, existing.addresses)):
        _owner_kept_check(kind, found, current, errors)
    return existing


def _managers_match(partners: dict[str, _Entity], errors: list[LoadError]) -> dict[str, int]:
    emails = {e.values["manager_email"] for e in partners.values() if "manager_email" in e.values}
    staff = User.objects.filter(is_staff=True).values_list("email", "pk")
    managers = dict(_fetch(staff, "email__in", emails))
    for entity in partners.values():
        email = entity.values.get("manager_email")
        if email and email not in managers:
            message = _("no supplier staff user has this e-mail")
            errors.append(LoadError(entity.rows["manager_email"], "manager_email", message))
    return managers


def _price_types_match(agreements: dict[str, _Entity], errors: list[LoadError]) -> dict[str, int]:
    """A price type is named by its 1C id or, failing that, by its name if no other has it."""
    wanted = {e.values["price_type"] for e in agreements.values() if "price_type" in e.values}
    price_types = PriceType.objects.values_list("pk", "ext_id", "name")
    by_ext_id: dict[str, int] = {}
    by_name: dict[str, set[int]] = defaultdict(set)
    for pk, ext_id, name in _fetch(price_types, "ext_id__in", wanted) + _fetch(
        price_types, "name__in", wanted
    ):
        by_ext_id[ext_id] = pk
        by_name[name].add(pk)
    matched = {}
    for value in wanted:
        if value in by_ext_id:
            matched[value] = by_ext_id[value]
        elif len(by_name[value]) == 1:
            matched[value] = next(iter(by_name[value]))
    for entity in agreements.values():
        value = entity.values.get("price_type")
        if value and value not in matched:
            if len(by_name[value]) > 1:
                message = _("several price types have this name: give the 1C id instead")
            else:
                message = _("no price type has this 1C id or name")
            errors.append(LoadError(entity.rows["price_type"], "price_type", message))
    return matched


def _administrators_match(admins: dict[str, _Entity], errors: list[LoadError]) -> dict[str, User]:
    """The existing user each administrator is, found by e-mail, else by phone."""
    users = User.objects.annotate(partner_ext_id=F("partner__ext_id"))
    emails = [e.values["admin_email"] for e in admins.values() if "admin_email" in e.values]
    phones = [e.values["admin_phone"] for e in admins.values() if "admin_phone" in e.values]
    by_email = {u.email: u for u in _fetch(users, "email__in", emails)}
    by_phone = {u.phone: u for u in _fetch(users, "phone__in", phones)}
    matched: dict[str, User] = {}
    claimed: dict[int, _Entity] = {}
    for key, entity in admins.items():
        with_email = by_email.get(entity.values.get("admin_email"))
        with_phone = by_phone.get(entity.values.get("admin_phone"))
        user = with_email or with_phone
        if user is None:
            continue
        column = "admin_email" if with_email else "admin_phone"
        row = entity.rows.get(column, entity.row)
        if with_email and with_phone and with_email.pk != with_phone.pk:
            message = _("this phone number is another user's (%(login)s)")
            errors.append(
                LoadError(
                    entity.rows["admin_phone"], "admin_phone", message % {"login": with_phone.login}
                )
            )
        elif user.partner_ext_id is None or user.partner_ext_id != entity.owner:
            message = _("already used by a user of another partner or of the supplier")
            errors.append(LoadError(row, column, message))
        elif user.pk in claimed:
            message = _("the same user as the administrator on row %(row)d") % {
                "row": claimed[user.pk].row
            }
            errors.append(LoadError(row, column, message))
        else:
            matched[key], claimed[user.pk] = user, entity
    return matched


def _counterparties_check(
    found: Entities, current: dict[str, Counterparty], errors: list[LoadError]
) -> None:
    """A counterparty stays with its partner; its head company is one of the same partner's."""
    entities = found["counterparties"]
    for key, entity in entities.items():
        existing = current.get(key)
        if existing is not None and existing.partner_ext_id != entity.owner:
            message = _("in the portal this counterparty belongs to another partner (%(name)s)")
            errors.append(
                LoadError(entity.row, COUNTERPARTIES.key, message % {"name": existing.partner_name})
            )
        parent = entity.values.get(PARENT)
        if not parent:
            continue
        row = entity.rows[PARENT]
        if parent in entities:
            parent_partner = entities[parent].owner
        elif parent in current:
            parent_partner = current[parent].partner_ext_id
        else:
            message = _("no such counterparty in the file or in the portal")
            errors.append(LoadError(row, PARENT, message))
            continue
        if parent == key:
            errors.append(
                LoadError(row, PARENT, _("a counterparty cannot be its own head company"))
            )
        elif parent_partner != entity.owner:
            message = _("the head company belongs to another partner")
            errors.append(LoadError(row, PARENT, message))


def _parent_loops_check(entities: dict[str, _Entity], errors: list[LoadError]) -> None:
    """Head companies must not form a loop once the file's links replace the current ones."""
    in_portal = Counterparty.objects.values_list("pk", "ext_id", "parent_id", "parent__ext_id")
    partners = {entity.owner for entity in entities.values()}
    parent_of: dict[str, str | None] = {}
    for pk, ext_id, parent_pk, parent_ext_id in _fetch(in_portal, "partner__ext_id__in", partners):
        parent_of[ext_id or f"#{pk}"] = (parent_ext_id or f"#{parent_pk}") if parent_pk else None
    for key, entity in entities.items():
        parent_of[key] = entity.values.get(PARENT)
    for key, entity in entities.items():
        chain, node = [key], parent_of.get(key)
        while node is not None and node not in chain:
            chain.append(node)
            node = parent_of.get(node)
        if node == key and len(chain) > 1:
            message = _("head companies form a loop: %(chain)s") % {
                "chain": " → ".join([*chain, key])
            }
            errors.append(LoadError(entity.rows.get(PARENT, entity.row), PARENT, message))


def _owner_kept_check(
    kind: _Kind, found: Entities, current: dict[str, Any], errors: list[LoadError]
) -> None:
    """An agreement or address may move between counterparties of its partner, not further."""
    counterparties = found["counterparties"]
    for key, entity in found[kind.name].items():
        existing, counterparty = current.get(key), counterparties.get(entity.owner)
        if existing is None or counterparty is None:
            continue
        if existing.partner_ext_id != counterparty.owner:
            message = _("in the portal this belongs to another partner (%(name)s)")
            errors.append(
                LoadError(entity.row, kind.key, message % {"name": existing.partner_name})
            )
