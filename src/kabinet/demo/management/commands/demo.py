"""`kabinet demo`: migrate, load the demo supplier once, print the logins, serve with a worker."""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kabinet.accounts.models import Partner
from kabinet.demo.generator import demo_generate


class Command(BaseCommand):
    help = "Load demo data (once) and start the web server and a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=20, help="How many demo partners.")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Where to serve.")
        parser.add_argument("--no-serve", action="store_true", help="Only load data and exit.")

    def handle(self, *args, partners, addr, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if Partner.objects.exists():
            self.stdout.write("Demo data is already loaded; logins as printed at the first start.")
            result = None
        else:
            result = demo_generate(partners=partners)
            self.stdout.write(
                f"Loaded {result.partners} partners, {result.counterparties} counterparties, "
                f"{result.agreements} agreements, {result.addresses} addresses, "
                f"{result.users} users."
            )
            if result.catalog is not None:
                catalog = result.catalog
                self.stdout.write(
                    f"Catalog: {catalog.sections} sections, {catalog.products} products, "
                    f"{catalog.variants} SKUs with prices and stock."
                )
            if result.history is not None:
                self.stdout.write(
                    f"Order history: {result.history.orders} orders, {result.history.lines} lines."
                )
            if result.finance is not None:
                finance = result.finance
                self.stdout.write(
                    f"Finance: {finance.payments} payments, {finance.schedule} schedule lines, "
                    f"{finance.debts} debts, {finance.acts} ready acts, as many pending requests."
                )
        self.stdout.write(self.style.SUCCESS(f"\nKabinet: http://{addr}/"))
        if result is not None:
            for login in result.logins:
                note = f"  ({login.note})" if login.note else ""
                self.stdout.write(f"  {login.role:42} {login.login:28} {login.password}{note}")
        if no_serve:
            return
        if not settings.DEBUG:
            self.stdout.write(self.style.WARNING("DEBUG is off: run with DEBUG=1 for the demo."))
        worker = subprocess.Popen([sys.executable, "-m", "kabinet.cli", "worker"])
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
