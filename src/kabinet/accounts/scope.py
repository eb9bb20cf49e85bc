"""The one rule of access: every read of partner data goes through a `Scope`.

A Scope says which partner the acting user belongs to, which sections they may use and which of
the partner's counterparties they may act for. Selectors take it first and return only what it
allows; views get it from `partner_view`, never build querysets on partner data themselves.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from kabinet.accounts.models import ALL_SECTIONS, Section, User


@dataclass(frozen=True, slots=True)
class Scope:
    user: User
    partner_id: int
    sections: frozenset[str]
    # None: every counterparty of the partner; otherwise only these.
    counterparty_ids: frozenset[int] | None

    def can(self, section: str) -> bool:
        return section in self.sections

    def require(self, section: str) -> None:
        if not self.can(section):
            raise PermissionDenied

    @property
    def is_admin(self) -> bool:
        return self.can(Section.EMPLOYEES)


def scope_for(user: User) -> Scope | None:
    """The scope of a partner user; None for anonymous users, staff and blocked partners."""
    if not user.is_authenticated or not user.is_active or user.partner_id is None:
        return None
    if not user.partner.is_active:
        return None
    restricted = frozenset(user.counterparties.values_list("pk", flat=True))
    return Scope(
        user=user,
        partner_id=user.partner_id,
        sections=frozenset(s for s in user.sections if s in ALL_SECTIONS),
        counterparty_ids=restricted or None,
    )
