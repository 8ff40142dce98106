"""Who may do what: one table for every register verb and every proposal step.

An actor is an agency and the role its person holds there. A permit names
the party that may act (a fixed agency such as the Secretariat, or one the
proposal decides: its proposer, its supervising Deputy PM, the agency a step
names) and the roles of that party's people who may. The register, the
workflow's validators and (later) the HTTP API all ask ``check``; nothing
else decides who may act.

Roles: ``head`` signs for the agency (a proposal's memo and letters, an
endorsement, the PM's approval); ``staff`` do the agency's procedural work
(the Secretariat's requests, schedule, decision record and notice; an
agency's opinion letter); ``auditor`` reads and audits and changes nothing;
``operator`` runs the system on its own machine (imports, rebuilds,
accounts); ``system`` is the workflow engine acting on a timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from domain.errors import NotPermitted
from domain.values import AgencyCode


class Role(StrEnum):
    STAFF = "staff"
    HEAD = "head"
    AUDITOR = "auditor"
    OPERATOR = "operator"
    SYSTEM = "system"


class Actor(BaseModel):
    """Who acts: an agency and the role its person holds (``NESDC:staff``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    agency: AgencyCode
    role: Role = Role.STAFF

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            agency, _, role = value.partition(":")
            return {"agency": agency, "role": role.strip().lower() or Role.STAFF}
        return value

    def __str__(self) -> str:
        return f"{self.agency}:{self.role.value}"

    @classmethod
    def parse(cls, text: str) -> Actor:
        return cls.model_validate(text)


SECRETARIAT = "SOC"
PRIME_MINISTER = "PM"

ENGINE = Actor(agency=SECRETARIAT, role=Role.SYSTEM)
"""The workflow engine acting on the Secretariat's behalf when a timer fires."""


class Party(StrEnum):
    """Whose people may act: a fixed agency, or one the proposal names."""

    PROPOSER = "the proposer"
    SUPERVISOR = "the supervising Deputy PM"
    NAMED_AGENCY = "the agency the step names"
    TAKER = "the agency that took the step"
    SECRETARIAT = "the Secretariat (SOC)"
    PRIME_MINISTER = "the Prime Minister (PM)"
    ANY_AGENCY = "any agency"


FIXED_AGENCY = {Party.SECRETARIAT: SECRETARIAT, Party.PRIME_MINISTER: PRIME_MINISTER}

SIGNERS = frozenset({Role.HEAD})
DESK = frozenset({Role.STAFF, Role.HEAD})
ENGINE_ONLY = frozenset({Role.SYSTEM})
OPERATORS = frozenset({Role.OPERATOR})
READERS = frozenset(Role) - ENGINE_ONLY


@dataclass(frozen=True)
class Permit:
    party: Party
    roles: frozenset[Role]
    what: str
    """The action in words, for refusals: "endorse for the supervising Deputy PM";
    ``{agency}`` stands for the party's agency ("give {agency}'s opinion")."""


PERMITS: dict[str, Permit] = {
    # proposal steps (the step's name)
    "draft": Permit(Party.PROPOSER, SIGNERS, "draft this proposal"),
    "endorse": Permit(Party.SUPERVISOR, SIGNERS, "endorse for the supervising Deputy PM"),
    "approve": Permit(Party.PRIME_MINISTER, SIGNERS, "approve submission to the cabinet"),
    "submit": Permit(Party.PROPOSER, SIGNERS, "submit the proposal to the Secretariat"),
    "request_opinions": Permit(Party.SECRETARIAT, DESK, "request opinions"),
    "opinion": Permit(Party.NAMED_AGENCY, DESK, "give {agency}'s opinion"),
    "amend": Permit(Party.PROPOSER, SIGNERS, "amend the proposal"),
    "request_review": Permit(Party.SECRETARIAT, DESK, "request a review of opinions"),
    "extend": Permit(Party.SECRETARIAT, DESK, "extend an opinion's deadline"),
    "proceed_without": Permit(Party.SECRETARIAT, DESK, "go on without an opinion"),
    "remind": Permit(Party.SECRETARIAT, ENGINE_ONLY, "record a reminder"),
    "escalate": Permit(Party.SECRETARIAT, ENGINE_ONLY, "record an overdue escalation"),
    "schedule": Permit(Party.SECRETARIAT, DESK, "place the proposal on the agenda"),
    "decide": Permit(Party.SECRETARIAT, DESK, "record the cabinet's decision"),
    "reschedule": Permit(Party.SECRETARIAT, ENGINE_ONLY,
                         "put a deferred proposal back on the agenda"),
    "notify": Permit(Party.SECRETARIAT, DESK, "notify the resolution"),
    "withdraw": Permit(Party.PROPOSER, SIGNERS, "withdraw the proposal"),
    # corrections: each rests on its own document and gives its reason
    "reschedule_meeting": Permit(Party.SECRETARIAT, DESK,
                                 "move the proposal to another meeting"),
    "unschedule": Permit(Party.SECRETARIAT, DESK, "take the proposal off the agenda"),
    # A step's document is its taker's letter: only that agency's desk may say what
    # its letter really said, as only NESDC gives NESDC's opinion. The Secretariat
    # corrects the documents of its own steps, not other agencies'.
    "correct_document": Permit(Party.TAKER, DESK, "correct {agency}'s document on record"),
    # register verbs
    "declare_holiday": Permit(Party.SECRETARIAT, DESK, "declare a special holiday"),
    "revoke_holiday": Permit(Party.SECRETARIAT, DESK, "revoke a declared holiday"),
    "move_holiday": Permit(Party.SECRETARIAT, DESK, "move a declared holiday"),
    "register_agency": Permit(Party.SECRETARIAT, DESK, "add an agency to the register"),
    "rename_agency": Permit(Party.SECRETARIAT, DESK, "correct an agency's names"),
    "record_resolution": Permit(Party.SECRETARIAT, DESK, "record a cabinet resolution"),
    "record_notice": Permit(Party.SECRETARIAT, DESK, "record a resolution's notice"),
    # An import records agencies, holidays and resolutions in the Secretariat's
    # name, so only the Secretariat's own operator may run one.
    # A scan is kept only to be named by a step's document, so it is for the people who
    # take steps (any agency's desk), not for auditors or the engine.
    "attach_document": Permit(Party.ANY_AGENCY, DESK, "attach a scanned document"),
    "import": Permit(Party.SECRETARIAT, OPERATORS, "import a file into the register"),
    "rebuild_views": Permit(Party.ANY_AGENCY, OPERATORS, "rebuild the register's views"),
    # Accounts: a grant says which agency a person acts for, so it is the
    # Secretariat's to record, as it records the directories. Its operators
    # keep the accounts of the machine they run (``cabinet user add``); its
    # head signs the orders that appoint people, and may record one. Staff
    # may not: no desk grants itself or anyone else a role.
    "grant_role": Permit(Party.SECRETARIAT, frozenset({Role.OPERATOR, Role.HEAD}),
                         "grant an account a role"),
    "revoke_role": Permit(Party.SECRETARIAT, frozenset({Role.OPERATOR, Role.HEAD}),
                          "revoke an account's role"),
    "read": Permit(Party.ANY_AGENCY, READERS, "read the register"),
    "audit": Permit(Party.ANY_AGENCY, frozenset({Role.AUDITOR, Role.OPERATOR}),
                    "audit the register"),
}
"""Every verb and step, and who may take it. Tests read this table; so will the API."""


def check(verb: str, actor: Actor, *, party_agency: str | None = None) -> None:
    """Raise ``NotPermitted`` unless ``actor`` may ``verb``.

    ``party_agency`` is the agency a relational party stands for here (the
    proposal's proposer, its supervisor, the agency a step names); fixed
    parties ignore it.
    """
    permit = PERMITS[verb]
    agency = FIXED_AGENCY.get(permit.party, party_agency)
    if permit.party is not Party.ANY_AGENCY and agency is None:
        raise ValueError(f"{verb}: {permit.party.value} must be given as party_agency")
    what = permit.what.replace("{agency}", agency or "the agency")
    if actor.role is Role.AUDITOR and Role.AUDITOR not in permit.roles:
        raise NotPermitted("auditors only read the register", field="actor")
    if actor.role is Role.SYSTEM and Role.SYSTEM not in permit.roles:
        raise NotPermitted(f"to {what} is a person's action, not the engine's",
                           field="actor")
    if agency is not None and actor.agency != agency:
        raise NotPermitted(f"only {agency} may {what}; {actor} may not", field="actor")
    if actor.role not in permit.roles:
        allowed = " or ".join(sorted(r.value for r in permit.roles))
        raise NotPermitted(f"to {what} is for the role {allowed}, not {actor.role.value}",
                           field="actor")


def may(verb: str, actor: Actor, *, party_agency: str | None = None) -> bool:
    try:
        check(verb, actor, party_agency=party_agency)
    except NotPermitted:
        return False
    return True
