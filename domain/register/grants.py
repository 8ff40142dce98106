"""Role grants: which agency and role an account holds, from when, on which document.

An account (a username) holds at most one grant at a time: the agency its
person works for and the role they hold there. Granting another role
replaces the current one from its effective date; a revocation ends it. Each
is an event with the document it rests on, the reason, and who granted it,
so an auditor can answer "who could approve on 9 Nov 2021?" from the record
itself. Passwords and tokens are not here: they are credentials, kept outside
the event log (``workers.storage.credentials``).

Who may grant is checked by the caller (the register's verb, against
``domain.permissions``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from domain.errors import InvalidInput, NotFound
from domain.events import RegisterAggregate, stored_as
from domain.ids import account_id
from domain.paperwork.fields import Line, ThaiDate
from domain.permissions import Actor, Role
from domain.register.agency_check import check_agencies
from domain.register.recording import claim
from domain.register.unit_of_work import UnitOfWork
from domain.values import AgencyCode, SourceDocument

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
GRANTABLE = frozenset(Role) - {Role.SYSTEM}
"""The engine's role is the workflow's own; no person's account holds it."""


def normalize_username(text: str) -> str:
    """A username as the register keys it: trimmed, lower-case, of a plain alphabet."""
    name = text.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            f"{text!r} is not a username: 2 to 64 characters of a-z, 0-9, '.', '_', '@' "
            "or '-', starting with a letter or digit", field="username")
    return name


Username = Annotated[str, AfterValidator(normalize_username)]


class GrantNotHeld(NotFound):
    """The account holds no grant to revoke."""


class _GrantInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    username: Username
    effective_from: ThaiDate
    """The day the grant (or its end) takes effect."""
    source: SourceDocument
    """The order or letter that appoints the person or ends the appointment."""
    reason: Line


class RoleGrant(_GrantInput):
    agency: AgencyCode
    role: Role

    @property
    def actor(self) -> Actor:
        return Actor(agency=self.agency, role=self.role)


class RoleRevocation(_GrantInput):
    pass


@stored_as("domain.accounts")
class AccountGrants(RegisterAggregate):
    """One account's grants, oldest first; the current one last (None once revoked)."""

    if TYPE_CHECKING:
        username: str
        held: Actor | None
        effective_from: date | None

    class Opened(RegisterAggregate.Created):
        username: str

        def apply(self, aggregate: AccountGrants) -> None:
            aggregate.username = self.username
            aggregate.held = None
            aggregate.effective_from = None

    class RoleGranted(RegisterAggregate.Event):
        username: str
        agency: str
        role: Role
        effective_from: date
        source: SourceDocument
        reason: str
        actor: Actor
        """Who granted it."""

        def apply(self, aggregate: AccountGrants) -> None:
            aggregate.held = Actor(agency=self.agency, role=self.role)
            aggregate.effective_from = self.effective_from

    class RoleRevoked(RegisterAggregate.Event):
        username: str
        effective_from: date
        source: SourceDocument
        reason: str
        actor: Actor
        """Who revoked it."""

        def apply(self, aggregate: AccountGrants) -> None:
            aggregate.held = None
            aggregate.effective_from = self.effective_from

    @classmethod
    def open(cls, username: str, at: datetime) -> AccountGrants:
        return cls._create(cls.Opened, id=account_id(username), timestamp=at, username=username)

    def grant(self, record: RoleGrant, actor: Actor, at: datetime) -> None:
        """Grant the role; the same grant again from the same day (a retry) records nothing."""
        if record.role not in GRANTABLE:
            raise InvalidInput(f"the role {record.role.value} is the engine's; no account "
                               "may hold it", field="role")
        if self.held == record.actor and self.effective_from == record.effective_from:
            return
        self.trigger_event(self.RoleGranted, timestamp=at, username=self.username,
                           agency=record.agency, role=record.role,
                           effective_from=record.effective_from, source=record.source,
                           reason=record.reason, actor=actor)

    def revoke(self, record: RoleRevocation, actor: Actor, at: datetime) -> None:
        if self.held is None:
            if self.effective_from == record.effective_from:
                return  # revoked already, from the same day: a retry
            raise GrantNotHeld(f"{self.username} holds no role to revoke", field="username")
        self.trigger_event(self.RoleRevoked, timestamp=at, username=self.username,
                           effective_from=record.effective_from, source=record.source,
                           reason=record.reason, actor=actor)


def grant_role(uow: UnitOfWork, record: RoleGrant, actor: Actor) -> None:
    check_agencies(record, uow.known_agencies())
    account = uow.get(account_id(record.username), AccountGrants) or uow.add(
        AccountGrants.open(record.username, uow.at))
    claim(uow, record.source, "source")
    account.grant(record, actor, uow.at)


def revoke_role(uow: UnitOfWork, record: RoleRevocation, actor: Actor) -> None:
    account = uow.get(account_id(record.username), AccountGrants)
    if account is None:
        raise GrantNotHeld(f"no account {record.username!r} in the register",
                           field="username")
    claim(uow, record.source, "source")
    account.revoke(record, actor, uow.at)
