"""`kabinet exchange-account LOGIN PASSWORD`: the user 1C logs in as (and nothing else)."""

from django.core.management.base import BaseCommand

from kabinet.exchange.accounts import exchange_account_ensure


class Command(BaseCommand):
    help = "Create the 1C exchange account, or set a new password for it (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("login", help="The login 1C will use: 1c@supplier.local, onec, …")
        parser.add_argument("password")

    def handle(self, *args, login, password, **options):
        user, created = exchange_account_ensure(login=login, password=password)
        verb = "created" if created else "updated (new password)"
        self.stdout.write(self.style.SUCCESS(f"Exchange account {user.email} {verb}."))
