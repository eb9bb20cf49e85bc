"""The service: checks the whole file, then upserts everything it names in one transaction."""

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from django.db import models, transaction

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    User,
)
from kabinet.accounts.partner_loading.checks import BATCH, _Existing, _existing_fetch, _fetch
from kabinet.accounts.partner_loading.entities import (
    ADDRESSES,
    ADMINISTRATORS,
    AGREEMENTS,
    COUNTERPARTIES,
    PARENT,
    PARTNERS,
    Entities,
    _administrator_phones_check,
    _columns_check,
    _entities_collect,
    _Entity,
    _Kind,
)
from kabinet.accounts.partner_loading.parser import Row
from kabinet.accounts.partner_loading.report import (
    KindCount,
    LoadError,
    LoadReport,
    NewAdministrator,
)
from kabinet.accounts.services import (
    invitation_send,
    password_temporary_generate,
    password_temporary_hash,
)

# The package's logger, named as it was before the module became a package.
logger = logging.getLogger(__package__)


def _fields(
    kind: _Kind,
    entity: _Entity,
    columns: set[str],
    *,
    resolve: Mapping[str, Callable[[Any], Any]] | None = None,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The model fields the file sets for one entity (only for the columns it has)."""
    resolve = resolve or {}
    fields = {}
    for column, name in kind.fields.items():
        if column in columns and column not in skip:
            value = entity.value(kind, column)
            fields[name] = resolve[column](value) if column in resolve else value
    return fields


def _insert(
    model: type[models.Model],
    desired: dict[str, dict[str, Any]],
    existing: Mapping[str, Any],
    *,
    dry_run: bool,
) -> dict[str, Any]:
    """Creates the objects not in the database yet; a dry run gives them stand-in keys."""
    new = [model(ext_id=key, **fields) for key, fields in desired.items() if key not in existing]
    if dry_run:
        for number, obj in enumerate(new, 1):
            obj.pk = -number
    else:
        model.objects.bulk_create(new, batch_size=BATCH)
        if any(obj.pk is None for obj in new):  # a database that does not return keys
            pks = dict(_fetch(model.objects.values_list("ext_id", "pk"), "ext_id__in", desired))
            for obj in new:
                obj.pk = pks[obj.ext_id]
    return {obj.ext_id: obj for obj in new}


def _update(
    model: type[models.Model],
    desired: Mapping[str, dict[str, Any]],
    objects: Mapping[str, Any],
    count: KindCount,
    *,
    created: Mapping[str, Any],
    dry_run: bool,
) -> None:
    """Writes only the fields that differ, only on the objects where they do."""
    changed_by_fields: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for key, fields in desired.items():
        obj = objects[key]
        changed = tuple(name for name, value in fields.items() if getattr(obj, name) != value)
        if key not in created:
            if changed:
                count.updated += 1
            else:
                count.unchanged += 1
        for name in changed:
            setattr(obj, name, fields[name])
        if changed:
            changed_by_fields[changed].append(obj)
    if not dry_run:
        for names, objs in changed_by_fields.items():
            model.objects.bulk_update(objs, names, batch_size=BATCH)


def _upsert(
    model: type[models.Model],
    kind: _Kind,
    desired: dict[str, dict[str, Any]],
    existing: Mapping[str, Any],
    report: LoadReport,
    *,
    later: Callable[[dict[str, Any]], dict[str, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Creates and updates one kind; `later` adds fields that need the new objects' keys."""
    new = _insert(model, desired, existing, dry_run=report.dry_run)
    objects = {**existing, **new}
    if later is not None:
        for key, fields in later(objects).items():
            desired[key].update(fields)
    report.counts[kind.name].created += len(new)
    _update(model, desired, objects, report.counts[kind.name], created=new, dry_run=report.dry_run)
    return objects


def _apply(
    found: Entities,
    existing: _Existing,
    columns: set[str],
    passwords: dict[str, tuple[str, str]],
    report: LoadReport,
) -> None:
    partner_fields = {
        key: _fields(PARTNERS, e, columns, resolve={"manager_email": existing.managers.get})
        for key, e in found["partners"].items()
    }
    partners = _upsert(Partner, PARTNERS, partner_fields, existing.partners, report)

    def parents(objects: dict[str, Any]) -> dict[str, dict[str, Any]]:
        if PARENT not in columns:
            return {}
        return {
            key: {"parent_id": objects[e.values[PARENT]].pk if e.values.get(PARENT) else None}
            for key, e in found["counterparties"].items()
        }

    counterparty_fields = {
        key: {
            "partner_id": partners[e.owner].pk,
            **_fields(COUNTERPARTIES, e, columns, skip=(PARENT,)),
        }
        for key, e in found["counterparties"].items()
    }
    counterparties = _upsert(
        Counterparty,
        COUNTERPARTIES,
        counterparty_fields,
        existing.counterparties,
        report,
        later=parents,
    )
    resolve = {"price_type": existing.price_types.get}
    for model, kind, current in (
        (Agreement, AGREEMENTS, existing.agreements),
        (DeliveryAddress, ADDRESSES, existing.addresses),
    ):
        desired = {
            key: {
                "counterparty_id": counterparties[e.owner].pk,
                **_fields(kind, e, columns, resolve=resolve),
            }
            for key, e in found[kind.name].items()
        }
        _upsert(model, kind, desired, current, report)
    _administrators_apply(found["administrators"], existing.users, partners, passwords, report)


def _administrators_apply(
    admins: dict[str, _Entity],
    users: dict[str, User],
    partners: dict[str, Partner],
    passwords: dict[str, tuple[str, str]],
    report: LoadReport,
) -> None:
    """New administrators get every section and a temporary password; others keep theirs."""
    count = report.counts["administrators"]
    changed_by_fields: dict[tuple[str, ...], list[User]] = defaultdict(list)
    for key, entity in admins.items():
        fields = _fields(ADMINISTRATORS, entity, set(entity.values))
        user = users.get(key)
        if user is None:
            password, hashed = passwords.get(key, ("", ""))
            user = User(
                partner=partners[entity.owner],
                sections=list(ALL_SECTIONS),
                password=hashed,
                must_change_password=True,
                **fields,
            )
            report.new_administrators.append(
                NewAdministrator(partners[entity.owner], user, password)
            )
            continue
        changed = tuple(name for name, value in fields.items() if getattr(user, name) != value)
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            changed_by_fields[changed].append(user)
            count.updated += 1
        else:
            count.unchanged += 1
    count.created = len(report.new_administrators)
    if report.dry_run:
        report.new_administrators = []
        return
    User.objects.bulk_create([admin.user for admin in report.new_administrators], batch_size=BATCH)
    for names, changed_users in changed_by_fields.items():
        User.objects.bulk_update(changed_users, names, batch_size=BATCH)


# ── The service ─────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def partners_load(
    *,
    rows: Sequence[Row],
    file_errors: Sequence[LoadError] = (),
    dry_run: bool = False,
    send_invitations: bool = False,
) -> LoadReport:
    """Checks the whole file, then creates and updates everything it names, or nothing at all.

    `file_errors` are the parser's (unknown columns…), reported with the rest. A dry run
    counts what would be created and updated without writing. With `send_invitations`, new
    administrators with an e-mail get their login and password by mail once committed.
    """
    report = LoadReport(dry_run=dry_run)
    columns = {column for row in rows for column in row.cells}
    errors = [*file_errors, *(_columns_check(columns) if rows else [])]
    found = _entities_collect(rows, columns, errors)
    _administrator_phones_check(found, errors)
    existing = _existing_fetch(found, columns, errors)
    if errors:
        report.errors = sorted(errors, key=lambda error: error.row or 0)
        return report
    # Hashed before the first write: the database stays unlocked for that second or two.
    passwords = {}
    if not dry_run:
        for key in found["administrators"].keys() - existing.users.keys():
            password = password_temporary_generate()
            passwords[key] = (password, password_temporary_hash(password))
    _apply(found, existing, columns, passwords, report)
    if send_invitations:
        for admin in report.new_administrators:
            if admin.user.email:
                transaction.on_commit(partial(_invitation_deliver, admin=admin, report=report))
    return report


def _invitation_deliver(*, admin: NewAdministrator, report: LoadReport) -> None:
    """One undeliverable address must not stop the other invitations."""
    try:
        invitation_send(user=admin.user, password=admin.password)
    except OSError:
        logger.exception("Invitation to %s failed", admin.user.email)
        report.invitations_failed.append(admin)
