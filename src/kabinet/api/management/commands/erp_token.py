"""`kabinet erp-token NAME [--resources payments,schedule]`: a token for the ERP API.

The token is printed once; only its hash is kept. Revoke it in the admin (API tokens).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kabinet.api.erp import RESOURCE_NAMES
from kabinet.api.services import api_token_create


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse cannot take a lazy translation
        return _("Creates a token for the ERP integration API and prints it once.")

    def add_arguments(self, parser):
        parser.add_argument("name", help=_("A name to tell the token by, e.g. “1C:ERP”."))
        parser.add_argument(
            "--resources",
            default="*",
            help=_("Comma-separated resources the token may use (default: all): %(names)s.")
            % {"names": ", ".join(RESOURCE_NAMES)},
        )

    def handle(self, *args, name, resources, **options):
        wanted = [r.strip() for r in resources.split(",") if r.strip()]
        try:
            issued = api_token_create(name=name, resources=wanted, known=RESOURCE_NAMES)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(
            _("Token “%(name)s” for: %(resources)s. It is shown only now; keep it secret.")
            % {"name": issued.token.name, "resources": ", ".join(issued.token.resources)}
        )
        self.stdout.write(issued.key)
