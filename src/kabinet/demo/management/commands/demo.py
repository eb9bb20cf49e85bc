"""`kabinet demo`: migrate, load the demo supplier once, print the logins, serve with a worker."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kabinet.accounts.models import Partner
from kabinet.demo.generator import demo_generate


def site_url_for(addr: str) -> str:
    """The URL people open for a runserver address: "8080", "0.0.0.0:8080", "[::]:8080"…

    A wildcard host (all interfaces) is not an address to open: letters name 127.0.0.1.
    """
    host, _sep, port = addr.rpartition(":")
    if not host:
        host = "127.0.0.1"
    if host in ("0.0.0.0", "0", "[::]", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}" if port else f"http://{host}"


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
        env = dict(os.environ)
        if not os.environ.get("KABINET_SITE_URL"):
            # Letters link to where the demo really serves (the worker sends some of them).
            settings.KABINET_SITE_URL = env["KABINET_SITE_URL"] = site_url_for(addr)
        self.stdout.write(self.style.SUCCESS(f"\nKabinet: {site_url_for(addr)}/"))
        if result is not None:
            for login in result.logins:
                note = f"  ({login.note})" if login.note else ""
                self.stdout.write(f"  {login.role:42} {login.login:28} {login.password}{note}")
        if no_serve:
            return
        if not settings.DEBUG:
            self.stdout.write(self.style.WARNING("DEBUG is off: run with DEBUG=1 for the demo."))
        worker = subprocess.Popen([sys.executable, "-m", "kabinet.cli", "worker"], env=env)
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
