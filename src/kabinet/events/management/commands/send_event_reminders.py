"""`kabinet send-event-reminders`: run it from cron (or any scheduler) every 15 minutes or so.

Each confirmed participant of an event starting within a day is reminded once; running it
again, or twice at the same time, sends nothing twice.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kabinet.events.services import event_reminders_send


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse cannot take a lazy translation
        return _("Reminds the participants of events that start within a day (once each).")

    def handle(self, *args, **options):
        sent = event_reminders_send()
        self.stdout.write(_("%(count)s event reminders sent.") % {"count": sent})
