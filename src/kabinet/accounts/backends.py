from django.contrib.auth.backends import ModelBackend

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
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials: dict | None) -> str:
    """The login the throttle counts failures for, in canonical form."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return login_normalize(raw)
