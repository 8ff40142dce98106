"""Which steps a viewer may take on a proposal now: the step declarations and the permit table.

No rule is written here: a step is offered when its declaration allows the
proposal's stage and ``domain.permissions.may`` allows the viewer for the
party that step stands for on this proposal. The action still checks
everything (dates, slots) when the form is posted; a step not offered here and
posted anyway is refused and recorded there.
"""

from __future__ import annotations

from domain.permissions import PERMITS, Actor, Party, may
from domain.process.declaration import ProcessStep
from domain.process.state import ProposalState
from domain.process.steps import STAFF_STEPS


def party_agency(step: str, state: ProposalState, actor: Actor) -> str | None:
    """The agency the step's party stands for on this proposal, as far as the viewer goes."""
    party = PERMITS[step].party
    if party is Party.PROPOSER:
        return state.proposer
    if party is Party.SUPERVISOR:
        return state.supervisor
    if party is Party.NAMED_AGENCY:
        # the agency the step names: an opinion is given by an agency asked for one
        slot = state.slot(actor.agency)
        return actor.agency if slot is not None and slot in state.pending else None
    if party is Party.TAKER:
        taken = {d.party for d in state.documents}
        return actor.agency if actor.agency in taken else None
    return None


def allowed_steps(state: ProposalState, actor: Actor) -> list[type[ProcessStep]]:
    allowed = []
    for name, step_type in STAFF_STEPS.items():
        if state.stage not in step_type.stages:
            continue
        agency = party_agency(name, state, actor)
        party = PERMITS[name].party
        if agency is None and party not in (Party.SECRETARIAT, Party.PRIME_MINISTER,
                                            Party.ANY_AGENCY):
            continue
        if may(name, actor, party_agency=agency):
            allowed.append(step_type)
    return allowed
