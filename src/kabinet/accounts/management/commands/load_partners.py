"""`kabinet load-partners FILE`: partner accounts in bulk from the ERP's partner list (A6)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kabinet.accounts.partner_loading import (
    LoadReport,
    PartnerFileError,
    partner_file_read,
    partners_load,
    passwords_file_open,
    passwords_write,
)


class Command(BaseCommand):
    @property
    def help(self):  # a property: argparse cannot take a lazy translation
        return _(
            "Creates and updates partners, their counterparties, agreements, delivery "
            "addresses and administrators from a CSV, XLSX or JSON file (see "
            "docs/load-partners.md). Checks the whole file first: with any error nothing changes."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help=_("The ERP's partner list: a .csv, .xlsx or .json file.")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and count the changes without writing anything."),
        )
        parser.add_argument(
            "--passwords-out",
            type=Path,
            metavar="PATH",
            help=_(
                "CSV file for the new administrators' temporary passwords (created with mode "
                "0600; default var/partner-passwords-<timestamp>.csv)."
            ),
        )
        parser.add_argument(
            "--send-invitations",
            action="store_true",
            help=_(
                "E-mail new administrators their login and temporary password; those without "
                "an e-mail go to the passwords file."
            ),
        )

    def handle(self, *args, file, dry_run, passwords_out, send_invitations, **options):
        try:
            parsed = partner_file_read(file)
        except PartnerFileError as error:
            raise CommandError(str(error)) from error
        path = passwords_out or settings.VAR_DIR / (
            f"partner-passwords-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
        )
        try:
            handle = None if dry_run else passwords_file_open(path)
        except OSError as error:
            raise CommandError(
                _("Cannot create the passwords file %(path)s: %(error)s")
                % {"path": path, "error": error.strerror}
            ) from error
        written = 0
        try:
            report = partners_load(
                rows=parsed.rows,
                file_errors=parsed.errors,
                dry_run=dry_run,
                send_invitations=send_invitations,
            )
            if handle is not None and not report.errors:
                to_hand_out = [
                    admin
                    for admin in report.new_administrators
                    if not (send_invitations and admin.user.email)
                    or admin in report.invitations_failed
                ]
                written = passwords_write(handle, to_hand_out) if to_hand_out else 0
        finally:
            if handle is not None:
                handle.close()
                if not written:
                    path.unlink()
        if report.errors:
            for error in report.errors:
                self.stderr.write(error.format(parsed.headers))
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(count)d error in the file; nothing was changed.",
                    "%(count)d errors in the file; nothing was changed.",
                    count,
                )
                % {"count": count}
            )
        self._summary_write(report, sent=send_invitations, written=written, path=path)

    def _summary_write(self, report: LoadReport, *, sent: bool, written: int, path: Path):
        if report.dry_run:
            self.stdout.write(_("Dry run: the file is correct; nothing was written."))
        names = {
            "partners": _("Partners"),
            "counterparties": _("Counterparties"),
            "agreements": _("Agreements"),
            "addresses": _("Delivery addresses"),
            "administrators": _("Administrators"),
        }
        for kind, count in report.counts.items():
            self.stdout.write(
                _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {"kind": names[kind], **vars(count)}
            )
        if sent:
            invited = sum(1 for admin in report.new_administrators if admin.user.email)
            self.stdout.write(
                _("Invitations e-mailed: %(count)d")
                % {"count": invited - len(report.invitations_failed)}
            )
        if written:
            self.stdout.write(
                ngettext(
                    "Temporary password of %(count)d new administrator: %(path)s",
                    "Temporary passwords of %(count)d new administrators: %(path)s",
                    written,
                )
                % {"count": written, "path": path}
            )
