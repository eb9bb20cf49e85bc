from django.contrib.auth.backends import ModelBackend

from kabinet.accounts.models import User
from kabinet.accounts.phones import login_normalize


class EmailOrPhoneBackend(ModelBackend):
    """Password login by e-mail or phone number, in any usual spelling."""

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
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials: dict | None) -> str:
    """The login the throttle counts failures for, in canonical form."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return login_normalize(raw)
