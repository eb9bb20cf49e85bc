from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kabinet.accounts"
    label = "accounts"
    verbose_name = _("Partners and users")

    def ready(self) -> None:
        from kabinet.accounts.roles import staff_groups_ensure

        # Setup, not domain flow: staff groups follow the permissions each migrate creates.
        # After every app's migrate, not only this one's: later apps' permissions (pricing,
        # orders) exist only once their own post_migrate has run.
        post_migrate.connect(staff_groups_ensure, dispatch_uid="kabinet-staff-groups")
