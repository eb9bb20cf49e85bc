import phonenumbers
from django.conf import settings


def phone_normalize(raw: str) -> str | None:
    """'+7 (912) 345-67-89', '89123456789' → '+79123456789'; None when it is not a phone."""
    try:
        number = phonenumbers.parse(raw, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def login_normalize(raw: str) -> str:
    """The canonical form of what a user types as login: lower-case e-mail or E.164 phone.

    Used for lookups and for the login throttle, so '8 912 …' and '+7912…' count as one login.
    """
    raw = (raw or "").strip()
    if "@" in raw:
        return raw.lower()
    return phone_normalize(raw) or raw.lower()
