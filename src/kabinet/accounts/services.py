"""Changes to users and employees. Each function is one use case and one transaction."""

import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kabinet.accounts.models import ALL_SECTIONS, PasswordResetRequest, Section, User
from kabinet.accounts.phones import phone_normalize
from kabinet.accounts.scope import Scope
from kabinet.accounts.selectors import counterparty_qs, employee_get

TEMPORARY_PASSWORD_ALPHABET = (
    string.ascii_letters.translate(str.maketrans("", "", "lIO")) + "23456789"
)


def password_temporary_generate(length: int = 14) -> str:
    """A random password a person can copy from a screen or a letter: no l/I/O/0/1."""
    return "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(length))


def password_temporary_hash(password: str) -> str:
    return make_password(password, hasher="kabinet_temp_pbkdf2_sha256")


@dataclass(frozen=True)
class IssuedPassword:
    user: User
    password: str


def _clean_contacts(
    *, email: str, phone: str, exclude_pk: int | None
) -> tuple[str | None, str | None]:
    email = (email or "").strip().lower() or None
    phone_raw = (phone or "").strip()
    phone_clean = phone_normalize(phone_raw) if phone_raw else None
    errors: dict[str, str] = {}
    if phone_raw and phone_clean is None:
        errors["phone"] = _("This is not a phone number.")
    if not email and not phone_raw:
        errors["email"] = _("Enter an e-mail or a phone number to log in with.")
    others = User.objects.exclude(pk=exclude_pk)
    if email and others.filter(email=email).exists():
        errors["email"] = _("A user with this e-mail already exists.")
    if phone_clean and others.filter(phone=phone_clean).exists():
        errors["phone"] = _("A user with this phone number already exists.")
    if errors:
        raise ValidationError(errors)
    return email, phone_clean


def _check_grants(*, scope: Scope, sections: list[str], counterparty_ids: list[int]) -> None:
    """An administrator grants only what they have themselves."""
    errors: dict[str, str] = {}
    if not set(sections) <= (scope.sections & set(ALL_SECTIONS)):
        errors["sections"] = _("You cannot grant a section you do not have yourself.")
    allowed = set(counterparty_qs(scope).values_list("pk", flat=True))
    if not set(counterparty_ids) <= allowed:
        errors["counterparties"] = _("You cannot grant a counterparty you do not have yourself.")
    if scope.counterparty_ids is not None and not counterparty_ids:
        errors["counterparties"] = _("Choose the counterparties this employee may act for.")
    if errors:
        raise ValidationError(errors)


def _ordered_sections(sections: list[str]) -> list[str]:
    return [s for s in ALL_SECTIONS if s in set(sections)]


@transaction.atomic
def employee_create(
    *,
    scope: Scope,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
    sections: list[str],
    counterparty_ids: list[int] = (),
    send_invitation: bool = False,
) -> IssuedPassword:
    """A new employee of the administrator's partner, with a temporary password to change."""
    scope.require(Section.EMPLOYEES)
    email_clean, phone_clean = _clean_contacts(email=email, phone=phone, exclude_pk=None)
    _check_grants(scope=scope, sections=sections, counterparty_ids=list(counterparty_ids))
    password = password_temporary_generate()
    user = User.objects.create(
        email=email_clean,
        phone=phone_clean,
        full_name=full_name.strip(),
        position=position.strip(),
        partner_id=scope.partner_id,
        sections=_ordered_sections(sections),
        password=password_temporary_hash(password),
        must_change_password=True,
    )
    user.counterparties.set(counterparty_ids)
    if send_invitation and user.email:
        transaction.on_commit(lambda: invitation_send(user=user, password=password))
    return IssuedPassword(user=user, password=password)


@transaction.atomic
def employee_update(
    *,
    scope: Scope,
    user_id: int,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
    sections: list[str],
    counterparty_ids: list[int] = (),
) -> User:
    scope.require(Section.EMPLOYEES)
    user = employee_get(scope, user_id)
    if user.pk == scope.user.pk and Section.EMPLOYEES not in sections:
        # Otherwise a partner could lose its last administrator by a slip of the mouse.
        raise ValidationError(
            {"sections": _("You cannot take the employees section from yourself.")}
        )
    email_clean, phone_clean = _clean_contacts(email=email, phone=phone, exclude_pk=user.pk)
    _check_grants(scope=scope, sections=sections, counterparty_ids=list(counterparty_ids))
    user.full_name = full_name.strip()
    user.position = position.strip()
    user.email, user.phone = email_clean, phone_clean
    user.sections = _ordered_sections(sections)
    user.save()
    user.counterparties.set(counterparty_ids)
    return user


@transaction.atomic
def employee_block(*, scope: Scope, user_id: int) -> User:
    """Blocks an employee and ends all their sessions at once."""
    scope.require(Section.EMPLOYEES)
    user = employee_get(scope, user_id)
    if user.pk == scope.user.pk:
        raise ValidationError(_("You cannot block yourself."))
    user.is_active = False
    user.session_epoch += 1
    user.save(update_fields=["is_active", "session_epoch"])
    return user


@transaction.atomic
def employee_unblock(*, scope: Scope, user_id: int) -> User:
    scope.require(Section.EMPLOYEES)
    user = employee_get(scope, user_id)
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def employee_password_reset(
    *, scope: Scope, user_id: int, send_invitation: bool = False
) -> IssuedPassword:
    """Issues a new temporary password; the employee's sessions end."""
    scope.require(Section.EMPLOYEES)
    user = employee_get(scope, user_id)
    password = password_temporary_generate()
    user.password = password_temporary_hash(password)
    user.must_change_password = True
    user.session_epoch += 1
    user.save(update_fields=["password", "must_change_password", "session_epoch"])
    if send_invitation and user.email:
        transaction.on_commit(lambda: invitation_send(user=user, password=password))
    return IssuedPassword(user=user, password=password)


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


@transaction.atomic
def user_logout_everywhere(*, user: User) -> User:
    """Ends every session of the user, on every device (the current one included)."""
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    return user


def invitation_send(*, user: User, password: str, language: str | None = None) -> None:
    """E-mails the login, the temporary password and the portal's address."""
    with override(language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "password": password,
            "site_url": settings.KABINET_SITE_URL,
            "supplier": settings.KABINET_SUPPLIER_NAME,
        }
        send_mail(
            subject=_("Your access to %(supplier)s") % {"supplier": settings.KABINET_SUPPLIER_NAME},
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


@transaction.atomic
def password_reset_request_record(*, email: str, address: str | None) -> bool:
    """Records a request for a password-reset letter; True when the letter may be sent.

    At most KABINET_RESET_ADDRESS_LIMIT requests per client address and
    KABINET_RESET_ACCOUNT_LIMIT letters per e-mail (so per account) an hour. The caller answers
    the same either way, so the throttle tells nobody whether an account exists.
    """
    now = timezone.now()
    PasswordResetRequest.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    last_hour = PasswordResetRequest.objects.filter(created_at__gte=now - timedelta(hours=1))
    email = email.strip().lower()
    allowed = (
        last_hour.filter(address=address).count() < settings.KABINET_RESET_ADDRESS_LIMIT
        and last_hour.filter(email=email, allowed=True).count()
        < settings.KABINET_RESET_ACCOUNT_LIMIT
    )
    PasswordResetRequest.objects.create(email=email, address=address, allowed=allowed)
    return allowed
