"""The supplier's staff roles in the Django admin, kept in step with the models."""

from django.contrib.auth.models import Group, Permission

MANAGER_GROUP = "Supplier managers"
ADMINISTRATOR_GROUP = "Supplier administrators"
STAFF_APPS = ["accounts", "pricing", "orders", "events"]


def staff_groups_ensure(**_kwargs) -> None:
    """Managers view partners and edit their companies and users, view orders and send them to
    1C again; administrators do all."""
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATOR_GROUP)
    administrators.permissions.set(permissions)
    managers, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    managers.permissions.set(
        permissions.filter(codename__regex=r"^(view|change)_").exclude(
            content_type__model="pricetype", codename__startswith="change_"
        )
    )
