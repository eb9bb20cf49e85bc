"""`kabinet purge-api-calls`: delete API call log entries older than KABINET_API_LOG_KEEP_DAYS
(90) days. Run it daily (cron), or let the worker run `api_calls_purge_task`."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kabinet.api.services import api_calls_purge


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse cannot take a lazy translation
        return _("Deletes old entries of the API call log.")

    def handle(self, *args, **options):
        deleted = api_calls_purge()
        self.stdout.write(_("%(count)s old API calls deleted.") % {"count": deleted})
