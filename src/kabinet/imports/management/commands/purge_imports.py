"""`kabinet purge-imports`: delete quick-order jobs older than KABINET_IMPORT_KEEP_DAYS days,
with their uploaded files and reports. Run it daily (cron, or the worker's schedule)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kabinet.imports.services import import_jobs_purge


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse cannot take a lazy translation
        return _("Deletes old quick-order files and their reports.")

    def handle(self, *args, **options):
        deleted = import_jobs_purge()
        self.stdout.write(_("%(count)s old quick-order jobs deleted.") % {"count": deleted})
