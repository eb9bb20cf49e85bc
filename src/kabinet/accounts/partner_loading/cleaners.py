"""Cell values: each column's raw text → a checked, normalised value, or `_Invalid`."""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kabinet.accounts.phones import phone_normalize


class _Invalid(Exception):
    pass


def _text(limit: int) -> Callable[[str], str]:
    def clean(raw: str) -> str:
        if len(raw) > limit:
            raise _Invalid(_("too long: at most %(limit)d characters") % {"limit": limit})
        return raw

    return clean


INN_WEIGHTS = {
    10: [(9, [2, 4, 10, 3, 5, 9, 4, 6, 8])],
    12: [(10, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]), (11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])],
}


def _inn(raw: str) -> str:
    if not raw.isdecimal() or len(raw) not in INN_WEIGHTS:
        raise _Invalid(_("an INN is 10 digits (organisations) or 12 digits (individuals)"))
    digits = [int(char) for char in raw]
    for position, weights in INN_WEIGHTS[len(raw)]:
        if sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10 != digits[position]:
            raise _Invalid(_("the INN's check digit is wrong: is there a typo?"))
    return raw


def _kpp(raw: str) -> str:
    raw = raw.upper()
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", raw):
        raise _Invalid(_("a KPP is 9 characters: 4 digits, 2 digits or letters, 3 digits"))
    return raw


def _currency(raw: str) -> str:
    raw = raw.upper()
    if not re.fullmatch(r"[A-Z]{3}", raw):
        raise _Invalid(_("a currency is a three-letter code such as RUB"))
    return raw


def _days(raw: str) -> int:
    raw = re.sub(r"\s", "", raw)
    if not raw.isdecimal() or int(raw) > 2_147_483_647:
        raise _Invalid(_("not a whole number of days"))
    return int(raw)


def _money(raw: str) -> Decimal:
    text = re.sub(r"\s", "", raw)  # "1 500 000,50" with spaces or non-breaking spaces
    if "," in text and "." in text:
        raise _Invalid(_("not a number: use either a decimal comma or a decimal point"))
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise _Invalid(_("not a number")) from None
    if not amount.is_finite():
        raise _Invalid(_("not a number"))
    if amount < 0:
        raise _Invalid(_("must not be negative"))
    if amount != amount.quantize(Decimal("0.01")):
        raise _Invalid(_("at most 2 digits after the decimal point"))
    if amount >= 10**13:
        raise _Invalid(_("too large"))
    return amount.quantize(Decimal("0.01"))


def _email(raw: str) -> str:
    raw = raw.lower()
    try:
        validate_email(raw)
    except ValidationError:
        raise _Invalid(_("not an e-mail address")) from None
    return raw


def _phone(raw: str) -> str:
    phone = phone_normalize(raw)
    if phone is None:
        raise _Invalid(_("not a phone number"))
    return phone


CLEANERS: dict[str, Callable[[str], Any]] = {
    "partner_ext_id": _text(80),
    "partner_name": _text(300),
    "manager_email": _email,
    "counterparty_ext_id": _text(80),
    "counterparty_name": _text(300),
    "inn": _inn,
    "kpp": _kpp,
    "parent_counterparty_ext_id": _text(80),
    "legal_address": _text(500),
    "agreement_ext_id": _text(80),
    "agreement_name": _text(300),
    "agreement_number": _text(100),
    "price_type": _text(200),
    "currency": _currency,
    "payment_deferral_days": _days,
    "credit_limit": _money,
    "address_ext_id": _text(80),
    "delivery_address": _text(500),
    "admin_email": _email,
    "admin_phone": _phone,
    "admin_name": _text(200),
}
