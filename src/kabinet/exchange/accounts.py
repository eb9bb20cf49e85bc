from django.contrib.auth.models import Permission
from django.db import transaction

from kabinet.accounts.models import User


@transaction.atomic
def exchange_account_ensure(*, login: str, password: str) -> tuple[User, bool]:
    """The dedicated exchange user: may call the exchange endpoint, sees no partner pages.

    Run again, it sets the new password (and ends nothing else): a rotation.
    """
    user, created = User.objects.get_or_create(
        email=login.strip().lower(),
        defaults={"full_name": "1C exchange", "is_staff": False, "partner": None},
    )
    if user.partner_id is not None or user.is_staff or user.is_superuser:
        raise ValueError("That login belongs to a person; choose another for the exchange.")
    user.set_password(password)
    user.is_active = True
    user.save()
    user.user_permissions.add(
        Permission.objects.get(codename="use_exchange", content_type__app_label="exchange")
    )
    return user, created
