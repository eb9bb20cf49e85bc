"""What a load found and did: errors with their rows, and counts per kind of entity."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kabinet.accounts.models import Partner, User


@dataclass(frozen=True)
class LoadError:
    row: int | None  # as the user sees it: the header is row 1; None for the file as a whole
    column: str
    message: str

    def format(self, headers: Mapping[str, str] | None = None) -> str:
        column = (headers or {}).get(self.column, self.column)
        if self.row is None:
            return f"{column}: {self.message}"
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": column,
            "message": self.message,
        }


@dataclass
class KindCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class NewAdministrator:
    partner: Partner
    user: User
    password: str


KINDS = ("partners", "counterparties", "agreements", "addresses", "administrators")


@dataclass
class LoadReport:
    dry_run: bool = False
    errors: list[LoadError] = field(default_factory=list)
    counts: dict[str, KindCount] = field(default_factory=lambda: {k: KindCount() for k in KINDS})
    new_administrators: list[NewAdministrator] = field(default_factory=list)
    invitations_failed: list[NewAdministrator] = field(default_factory=list)
