"""The file handing out new administrators' temporary passwords."""

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kabinet.accounts.partner_loading.report import NewAdministrator


def passwords_file_open(path: Path) -> TextIO:
    """Creates the file for the new administrators' passwords, readable by its owner only.

    Opened before loading, so that a bad path fails before any account exists; never
    overwrites a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return open(descriptor, "w", encoding="utf-8-sig", newline="")


def passwords_write(handle: TextIO, admins: Sequence[NewAdministrator]) -> int:
    """CSV with `;` and a BOM, as Excel opens it in a Russian locale."""
    writer = csv.writer(handle, delimiter=";")
    writer.writerow(["partner_ext_id", "partner_name", "full_name", "email", "phone", "password"])
    for admin in admins:
        user = admin.user
        writer.writerow(
            [
                admin.partner.ext_id,
                admin.partner.name,
                user.full_name,
                user.email or "",
                user.phone or "",
                admin.password,
            ]
        )
    return len(admins)
