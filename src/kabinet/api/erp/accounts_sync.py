"""Services: partners, counterparties, agreements, addresses and partner users from the ERP.

Each takes the items of one bulk call (objects with the attributes of the API's schemas),
checks all of them against the database, and writes all or nothing. An optional field left out
of an item keeps its current value; required fields are always written.
"""

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    User,
)
from kabinet.accounts.partner_loading.cleaners import CLEANERS, _Invalid
from kabinet.accounts.phones import phone_normalize
from kabinet.accounts.services import (
    invitation_send,
    password_temporary_generate,
    password_temporary_hash,
)
from kabinet.api.bulk import (
    UpsertCounts,
    bulk_upsert,
    duplicates_check,
    errors_raise,
    refs_resolve,
    size_check,
)
from kabinet.api.problems import item_error
from kabinet.comms.sms import get_sms_sender
from kabinet.pricing.models import PriceType

logger = logging.getLogger(__name__)


def _unknown(what: str) -> str:
    return _("unknown %(what)s; send it first") % {"what": what}


def _given(item: Any, *names: str) -> dict[str, Any]:
    """The item's fields among `names` that the client sent (set to a value or to null)."""
    return {name: getattr(item, name) for name in names if name in item.model_fields_set}


def _clean(column: str, value: str | None, index: int, field: str, errors: list) -> str:
    """INN / KPP checked as `kabinet load-partners` checks them (check digits included)."""
    if not value:
        return ""
    try:
        return CLEANERS[column](value)
    except _Invalid as invalid:
        errors.append(item_error(index, field, str(invalid)))
        return value


@transaction.atomic
def partners_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.ext_id for item in items], errors)
    emails = {item.manager_email.lower() for item in items if getattr(item, "manager_email", None)}
    managers = dict(User.objects.filter(is_staff=True, email__in=emails).values_list("email", "pk"))
    rows = {}
    for index, item in enumerate(items):
        fields: dict[str, Any] = {"name": item.name, "is_active": True}
        if "manager_email" in item.model_fields_set:
            email = (item.manager_email or "").lower()
            if email and email not in managers:
                errors.append(
                    item_error(index, "manager_email", _("no supplier staff user has this e-mail"))
                )
            fields["manager_id"] = managers.get(email)
        rows[item.ext_id] = fields
    errors_raise(errors)
    return bulk_upsert(model=Partner, rows=rows, deleted=deleted, deactivate_field="is_active")


def _parent_loops_check(items: Sequence[Any], errors: list[dict]) -> None:
    """A counterparty cannot be its own head company, directly or through others."""
    partner_ids = {item.partner_ext_id for item in items}
    parents = dict(
        Counterparty.objects.filter(partner__ext_id__in=partner_ids)
        .exclude(ext_id=None)
        .values_list("ext_id", "parent__ext_id")
    )
    for item in items:
        if "parent_ext_id" in item.model_fields_set:
            parents[item.ext_id] = item.parent_ext_id
    for index, item in enumerate(items):
        seen, current = {item.ext_id}, parents.get(item.ext_id)
        while current:
            if current in seen:
                errors.append(
                    item_error(index, "parent_ext_id", _("the head companies form a loop"))
                )
                break
            seen.add(current)
            current = parents.get(current)


def _partner_kept_check(items: Sequence[Any], rows: dict, errors: list[dict]) -> None:
    """A counterparty stays with its partner, as `kabinet load-partners` has it: its orders,
    payments and acts are that partner's history."""
    current = refs_resolve(
        Counterparty.objects, rows, partner_id=F("partner_id"), partner_name=F("partner__name")
    )
    for index, item in enumerate(items):
        now = current.get(item.ext_id)
        if item.ext_id in rows and now and now["partner_id"] != rows[item.ext_id]["partner_id"]:
            message = _("in the portal this counterparty belongs to another partner (%(name)s)")
            errors.append(
                item_error(index, "partner_ext_id", message % {"name": now["partner_name"]})
            )


@transaction.atomic
def counterparties_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.ext_id for item in items], errors)
    partners = refs_resolve(Partner.objects, {item.partner_ext_id for item in items}, pk=F("pk"))
    parent_keys = {item.parent_ext_id for item in items if getattr(item, "parent_ext_id", None)}
    parents = refs_resolve(Counterparty.objects, parent_keys, partner_ext_id=F("partner__ext_id"))
    in_call = {item.ext_id: item.partner_ext_id for item in items}
    rows, parent_rows = {}, {}
    for index, item in enumerate(items):
        partner = partners.get(item.partner_ext_id)
        if partner is None:
            errors.append(item_error(index, "partner_ext_id", _unknown(_("partner"))))
            continue
        fields = {"partner_id": partner["pk"], "name": item.name, "is_active": True}
        fields |= _given(item, "legal_address")
        for column in ("inn", "kpp"):
            if column in item.model_fields_set:
                fields[column] = _clean(column, getattr(item, column), index, column, errors)
        if "legal_address" in fields:
            fields["legal_address"] = fields["legal_address"] or ""
        rows[item.ext_id] = fields
        if "parent_ext_id" in item.model_fields_set:
            parent = item.parent_ext_id
            parent_partner = in_call.get(parent) or parents.get(parent, {}).get("partner_ext_id")
            if parent and parent_partner is None:
                errors.append(item_error(index, "parent_ext_id", _unknown(_("counterparty"))))
            elif parent and parent_partner != item.partner_ext_id:
                errors.append(
                    item_error(index, "parent_ext_id", _("the head company is another partner's"))
                )
            parent_rows[item.ext_id] = parent
    _parent_loops_check(items, errors)
    _partner_kept_check(items, rows, errors)
    errors_raise(errors)
    counts = bulk_upsert(
        model=Counterparty, rows=rows, deleted=deleted, deactivate_field="is_active"
    )
    if parent_rows:
        # Parents may be created by this very call: their keys exist only now.
        pks = refs_resolve(Counterparty.objects, set(parent_rows.values()), pk=F("pk"))
        linked = bulk_upsert(
            model=Counterparty,
            rows={
                key: {"parent_id": pks[parent]["pk"] if parent else None}
                for key, parent in parent_rows.items()
            },
        )
        newly = linked.updated_keys - counts.created_keys - counts.updated_keys
        counts.updated += len(newly)
        counts.unchanged -= len(newly)
        counts.updated_keys |= newly
    return counts


def _owner_kept_check(
    model: type, items: Sequence[Any], counterparties: dict[str, dict], errors: list[dict]
) -> None:
    """An agreement or address may move between counterparties of its partner, not further
    (as `kabinet load-partners` has it)."""
    current = refs_resolve(
        model.objects,
        {item.ext_id for item in items},
        partner_id=F("counterparty__partner_id"),
        partner_name=F("counterparty__partner__name"),
    )
    for index, item in enumerate(items):
        now, owner = current.get(item.ext_id), counterparties.get(item.counterparty_ext_id)
        if now and owner and now["partner_id"] != owner["partner_id"]:
            message = _("in the portal this belongs to another partner (%(name)s)")
            errors.append(
                item_error(index, "counterparty_ext_id", message % {"name": now["partner_name"]})
            )


def _counterparty_refs(items: Sequence[Any], errors: list[dict]) -> dict[str, dict]:
    return refs_resolve(
        Counterparty.objects,
        {item.counterparty_ext_id for item in items},
        pk=F("pk"),
        partner_id=F("partner_id"),
    )


@transaction.atomic
def agreements_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.ext_id for item in items], errors)
    counterparties = _counterparty_refs(items, errors)
    price_types = refs_resolve(
        PriceType.objects,
        {item.price_type_ext_id for item in items if getattr(item, "price_type_ext_id", None)},
        pk=F("pk"),
    )
    rows = {}
    for index, item in enumerate(items):
        counterparty = counterparties.get(item.counterparty_ext_id)
        if counterparty is None:
            errors.append(item_error(index, "counterparty_ext_id", _unknown(_("counterparty"))))
            continue
        fields = {"counterparty_id": counterparty["pk"], "name": item.name, "is_active": True}
        fields |= _given(
            item, "number", "currency", "payment_deferral_days", "credit_limit", "valid_from"
        )
        fields |= _given(item, "valid_to")
        if "number" in fields:
            fields["number"] = fields["number"] or ""
        if "price_type_ext_id" in item.model_fields_set:
            key = item.price_type_ext_id
            if key and key not in price_types:
                errors.append(item_error(index, "price_type_ext_id", _unknown(_("price type"))))
            fields["price_type_id"] = price_types[key]["pk"] if key in price_types else None
        if item.valid_from and item.valid_to and item.valid_from > item.valid_to:
            errors.append(item_error(index, "valid_to", _("earlier than valid_from")))
        rows[item.ext_id] = fields
    _owner_kept_check(Agreement, items, counterparties, errors)
    errors_raise(errors)
    return bulk_upsert(model=Agreement, rows=rows, deleted=deleted, deactivate_field="is_active")


@transaction.atomic
def addresses_upsert(*, items: Sequence[Any], deleted: Sequence[str]) -> UpsertCounts:
    size_check(items=len(items), deleted=len(deleted))
    errors: list[dict] = []
    duplicates_check([item.ext_id for item in items], errors)
    counterparties = _counterparty_refs(items, errors)
    rows = {}
    for index, item in enumerate(items):
        counterparty = counterparties.get(item.counterparty_ext_id)
        if counterparty is None:
            errors.append(item_error(index, "counterparty_ext_id", _unknown(_("counterparty"))))
            continue
        rows[item.ext_id] = {
            "counterparty_id": counterparty["pk"],
            "address": item.address,
            "is_active": True,
        }
    _owner_kept_check(DeliveryAddress, items, counterparties, errors)
    errors_raise(errors)
    return bulk_upsert(
        model=DeliveryAddress, rows=rows, deleted=deleted, deactivate_field="is_active"
    )


# ── Partner users (A6) ──────────────────────────────────────────────────────────────────────


def _login_of(item: Any, index: int, errors: list[dict]) -> tuple[str | None, str | None]:
    email = (item.email or "").strip().lower() or None
    phone = None
    if item.phone:
        phone = phone_normalize(item.phone)
        if phone is None:
            errors.append(item_error(index, "phone", _("This is not a phone number.")))
    if not email and not item.phone:
        errors.append(
            item_error(index, "email", _("Enter an e-mail or a phone number to log in with."))
        )
    return email, phone


@transaction.atomic
def invitations_upsert(*, items: Sequence[Any]) -> UpsertCounts:
    """Partner users by login (e-mail, else phone). A new one gets a temporary password, sent
    once committed by e-mail (or SMS without one); an existing one is only updated (name,
    position, sections when given) and never invited twice."""
    size_check(items=len(items))
    errors: list[dict] = []
    logins = [_login_of(item, index, errors) for index, item in enumerate(items)]
    duplicates_check([email or phone or "" for email, phone in logins], errors, field="email")
    partners = refs_resolve(Partner.objects, {item.partner_ext_id for item in items}, pk=F("pk"))
    emails = {email for email, _phone in logins if email}
    phones = {phone for _email, phone in logins if phone}
    users = {
        **{u.email: u for u in User.objects.filter(email__in=emails)},
        **{u.phone: u for u in User.objects.filter(phone__in=phones)},
    }
    counts = UpsertCounts()
    new: list[tuple[User, str]] = []
    changed: list[User] = []
    for index, (item, (email, phone)) in enumerate(zip(items, logins, strict=True)):
        partner = partners.get(item.partner_ext_id)
        if partner is None:
            errors.append(item_error(index, "partner_ext_id", _unknown(_("partner"))))
            continue
        by_email, by_phone = (
            users.get(email) if email else None,
            users.get(phone) if phone else None,
        )
        user = by_email or by_phone
        if by_email and by_phone and by_email != by_phone:
            errors.append(
                item_error(index, "phone", _("A user with this phone number already exists."))
            )
            continue
        if user is not None and user.partner_id != partner["pk"]:
            errors.append(item_error(index, "email", _("this login belongs to another account")))
            continue
        fields = {
            name: value or "" for name, value in _given(item, "full_name", "position").items()
        }
        if item.sections is not None:
            fields["sections"] = [s for s in ALL_SECTIONS if s in item.sections]
        if user is None:
            password = password_temporary_generate()
            user = User(
                partner_id=partner["pk"],
                email=email,
                phone=phone,
                must_change_password=True,
                **{"sections": list(ALL_SECTIONS), **fields},
            )
            new.append((user, password))
            continue
        differs = {name for name, value in fields.items() if getattr(user, name) != value}
        if phone and user.phone != phone and by_phone is None:
            fields["phone"], differs = phone, differs | {"phone"}
        for name in differs:
            setattr(user, name, fields[name])
        if differs:
            changed.append(user)
            counts.updated += 1
        else:
            counts.unchanged += 1
    errors_raise(errors)
    for user, password in new:
        user.password = password_temporary_hash(password)
    User.objects.bulk_create([user for user, _password in new])
    for user in changed:
        user.save(update_fields=["full_name", "position", "sections", "phone"])
    counts.created = len(new)
    for user, password in new:
        transaction.on_commit(partial(_invitation_deliver, user=user, password=password))
    return counts


SMS_INVITATION = gettext_lazy(
    "%(supplier)s: your access to the partner portal %(url)s — login %(login)s, temporary "
    "password %(password)s"
)


def _invitation_deliver(*, user: User, password: str) -> None:
    """One undeliverable address must not stop the others (the ERP can call again: an existing
    user is not re-invited, the partner's administrator resets the password)."""
    try:
        if user.email:
            invitation_send(user=user, password=password)
        else:
            get_sms_sender().send(
                phone=user.phone,
                text=str(SMS_INVITATION)
                % {
                    "supplier": settings.KABINET_SUPPLIER_NAME,
                    "url": settings.KABINET_SITE_URL,
                    "login": user.phone,
                    "password": password,
                },
            )
    except Exception:
        logger.exception("Invitation to %s failed", user.login)
