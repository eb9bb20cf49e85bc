"""`kabinet exchange-replay DIR --url URL --user U --password P`: play 1C against a site."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kabinet.exchange.replay import Exchange1C, ReplayError


class Command(BaseCommand):
    help = "Send a folder of CommerceML files to a site the way 1C does, then fetch its orders."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="import*.xml, offers*.xml, import_files/…")
        parser.add_argument(
            "--url", required=True, help="e.g. https://portal.example.com/exchange/1c/"
        )
        parser.add_argument("--user", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--version", default="2.08", help="CommerceML version to announce")
        parser.add_argument("--orders-out", type=Path, help="where to save the orders XML")
        parser.add_argument("--no-sale", action="store_true", help="skip the orders exchange")

    def handle(self, *args, folder, url, user, password, version, orders_out, no_sale, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        exchange = Exchange1C(url, user, password, version=version, log=self.stdout.write)
        try:
            exchange.catalog(folder)
            if not no_sale:
                orders = exchange.sale()
                if orders_out:
                    orders_out.write_bytes(orders)
                self.stdout.write(f"orders: {orders.count('<Документ>'.encode())} received")
        except ReplayError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Exchange finished."))
