"""`kabinet send-event-reminders`: run by cron (or any scheduler) every 15 minutes or so.

Each confirmed participant of an event starting within a day is reminded once; running it
again, or twice at the same time, sends nothing twice.
"""

from django.core.management.base import BaseCommand

from kabinet.events.services import event_reminders_send


class Command(BaseCommand):
    help = "Remind the participants of events that start within a day (once each)."

    def handle(self, *args, **options):
        sent = event_reminders_send()
        if options["verbosity"]:
            self.stdout.write(f"reminders sent: {sent}")
