"""`kabinet jobs`: the scheduled jobs (kabinet/core/jobs.py).

kabinet jobs list                 the jobs, their times and what they do
kabinet jobs crontab [--command PATH] [--log FILE]   the crontab lines to install
kabinet jobs run NAME [NAME …]    run jobs now (each under its lock)
kabinet jobs run --all            run every job now
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kabinet.core.jobs import JOBS, crontab, job_run

logger = logging.getLogger("kabinet.core.jobs")


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse cannot take a lazy translation
        return _("Scheduled jobs: list them, print their crontab, or run them now.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list")
        lines = actions.add_parser("crontab")
        lines.add_argument("--command", default="kabinet", help="path of the kabinet command")
        lines.add_argument("--log", default="", help="append the jobs' output to this file")
        run = actions.add_parser("run")
        run.add_argument("names", nargs="*")
        run.add_argument("--all", action="store_true")

    def handle(self, *args, action, **options):
        if action == "list":
            for job in JOBS:
                self.stdout.write(f"{job.name:<24} {job.cron:<14} {job.description}")
        elif action == "crontab":
            self.stdout.write(crontab(command=options["command"], log=options["log"]), ending="")
        else:
            self._run(options["names"], every=options["all"])

    def _run(self, names, *, every):
        known = {job.name for job in JOBS}
        if every == bool(names):
            raise CommandError(_("Name the jobs to run, or give --all."))
        if unknown := [name for name in names if name not in known]:
            raise CommandError(
                _("Unknown jobs: %(names)s. Known: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        failed = []
        for name in [job.name for job in JOBS] if every else names:
            try:
                summary = job_run(name=name)
            except Exception:
                # One broken job must not keep the others from running; cron mails the rest.
                logger.exception("job %s failed", name)
                failed.append(name)
                continue
            if summary is None:
                summary = _("already running elsewhere; left to that run.")
            self.stdout.write(f"{name}: {summary}")
        if failed:
            raise CommandError(_("Jobs failed: %(names)s.") % {"names": ", ".join(failed)})
