from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    get_hasher,
    identify_hasher,
    is_password_usable,
    make_password,
)

from kabinet.accounts.models import User
from kabinet.accounts.phones import login_normalize


class EmailOrPhoneBackend(ModelBackend):
    """Password login by e-mail or phone number, in any usual spelling."""

    def get_user(self, user_id):
        """The session's user with its partner and manager: every portal page needs them."""
        user = User._default_manager.select_related("partner__manager").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = login_normalize(username)
        field = "email" if "@" in login else "phone"
        user = User.objects.filter(**{field: login}).first()
        if user is None:
            # Spend the time a real check takes, so timing does not tell whether a login exists.
            User().set_password(password)
            return None
        encoded = user.password
        if user.check_password(password):
            return user if self.user_can_authenticate(user) else None
        hasher_cost_even_out(password=password, encoded=encoded)
        return None


def hasher_cost_even_out(*, password: str, encoded: str) -> None:
    """After a wrong password, top the hashing work up to the default hasher's full cost.

    Temporary passwords are hashed cheaply (see hashers.py); without this, a wrong password for
    an account still on its temporary password is answered ~25 times faster than for any other
    account or an unknown login, which tells who has not logged in yet.
    """
    if not is_password_usable(encoded):
        return  # Django itself already ran the default hasher once.
    try:
        stored = identify_hasher(encoded)
    except ValueError:
        return  # likewise
    default = get_hasher("default")
    if stored.algorithm == default.algorithm:
        return
    if isinstance(stored, PBKDF2PasswordHasher) and isinstance(default, PBKDF2PasswordHasher):
        spent = stored.decode(encoded)["iterations"]
        if default.iterations > spent:
            default.encode(password, default.salt(), default.iterations - spent)
        return
    make_password(password)


def axes_username(request, credentials: dict | None) -> str:
    """The login the throttle counts failures for, in canonical form."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return login_normalize(raw)
