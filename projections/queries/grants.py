"""Answers about accounts' grants: who could take a verb on a day, and who holds what now.

"Who could approve on 9 Nov 2021?" is read from the grants in effect that
day and the permission table (``domain.permissions.may``), so the answer is
the same rule the register and the workflow enforce. A verb whose party is
relational (the proposer, the supervising Deputy PM, the agency a step
names) is open to the right role of whichever agency stands in that place:
such accounts are listed with the condition under which they could.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.errors import InvalidInput
from domain.paperwork.thai_dates import BANGKOK
from domain.permissions import FIXED_AGENCY, PERMITS, Actor, Party, Role, may
from domain.register.grants import normalize_username
from projections import grants
from projections.grants import GrantRow
from projections.jsontypes import IsoDate, absent_if_none
from projections.queries.reading import Answer, Source, current

_RELATIONAL = {Party.PROPOSER, Party.SUPERVISOR, Party.NAMED_AGENCY, Party.TAKER}


def today() -> date:
    """The day it is now at the Secretariat (grants take effect on Bangkok days)."""
    return datetime.now(BANGKOK).date()


class CouldAct(Answer):
    username: str
    agency: str
    role: str
    when: str | None = Field(default=None, exclude_if=absent_if_none)
    """For a relational party: the condition ("when OPDC is the proposer"); absent when the
    grant alone suffices."""
    grant: GrantRow


class WhoCouldAnswer(Answer):
    """``cabinet who-could VERB --on DATE --json`` / ``GET /api/grants?verb=&at=``."""

    verb: str
    on: IsoDate
    what: str
    """The verb in words, from the permission table."""
    party: str
    roles: list[str]
    accounts: list[CouldAct]


class GrantsAnswer(Answer):
    """``cabinet user list --json``: grants in effect on a day, or every grant recorded."""

    on: IsoDate | None = Field(default=None, exclude_if=absent_if_none)
    """The day asked about; absent when the answer is every grant ever recorded."""
    grants: list[GrantRow]


def who_could(source: Source, verb: str, on: date) -> WhoCouldAnswer:
    if verb not in PERMITS:
        raise InvalidInput(f"no verb {verb!r}; the verbs are {', '.join(sorted(PERMITS))}",
                           field="verb")
    permit = PERMITS[verb]
    with current(source) as cursor:
        rows = grants.in_effect(cursor, on)
    accounts = []
    for row in rows:
        actor = Actor(agency=row.agency, role=Role(row.role))
        relational = permit.party in _RELATIONAL
        agency = FIXED_AGENCY.get(permit.party, actor.agency if relational else None)
        if may(verb, actor, party_agency=agency):
            when = f"when {row.agency} is {permit.party.value}" if relational else None
            accounts.append(CouldAct(username=row.username, agency=row.agency, role=row.role,
                                     when=when, grant=row))
    return WhoCouldAnswer(
        verb=verb, on=on.isoformat(), what=permit.what.replace("{agency}", "the agency"),
        party=permit.party.value, roles=sorted(r.value for r in permit.roles),
        accounts=accounts)


def held_grant(source: Source, username: str, on: date | None = None) -> GrantRow | None:
    """The grant ``username`` holds on ``on`` (today, if None); None if none (or revoked)."""
    try:
        name = normalize_username(username)
    except InvalidInput:
        return None
    with current(source) as cursor:
        found = grants.in_effect(cursor, on or today(), name)
    return found[0] if found else None


def grants_on(source: Source, on: date | None = None,
              username: str | None = None) -> GrantsAnswer:
    """Grants in effect on ``on``; with ``on`` None, every grant ever recorded."""
    name = normalize_username(username) if username is not None else None
    with current(source) as cursor:
        if on is None:
            return GrantsAnswer(grants=grants.every_grant(cursor, name))
        return GrantsAnswer(on=on.isoformat(), grants=grants.in_effect(cursor, on, name))
