"""Commands that record a proposal's steps in a unit of work.

The proposal aggregate applies the process rules; these commands add what
the register checks around it: the agencies are known, each document's
number is claimed once, a step already recorded (a retry) records nothing,
and an approval or notice records its resolution (``decisions``).
"""

from __future__ import annotations

from datetime import date

from domain.errors import ProposalNotFound, RegisterError
from domain.ids import proposal_id
from domain.permissions import Actor
from domain.process.proposal import Proposal
from domain.process.steps import Draft, Step
from domain.register.agency_check import check_agencies
from domain.register.decisions import record_what_the_step_decides
from domain.register.recording import claim
from domain.register.unit_of_work import UnitOfWork, join, located


def draft(uow: UnitOfWork, workflow_id: str, step: Draft, actor: Actor, step_id: str,
          where: str) -> bool:
    """Record a proposal's draft; False if the proposal is already recorded."""
    if uow.get(proposal_id(workflow_id), Proposal) is not None:
        return False
    try:
        check_agencies(step, uow.known_agencies())
        check_agencies(actor, uow.known_agencies(), "actor")
    except RegisterError as error:
        raise located(error, where) from None
    claim(uow, step.memo, join(where, "memo"))
    uow.add(Proposal.draft(workflow_id=workflow_id, step=step, actor=actor,
                           step_id=step_id, at=uow.at))
    return True


def take_step(uow: UnitOfWork, workflow_id: str, step: Step, actor: Actor, step_id: str,
              today: date | None, where: str) -> bool:
    """Record a step; False if this step id was already recorded (a retry)."""
    proposal = uow.get(proposal_id(workflow_id), Proposal)
    if proposal is None:
        raise ProposalNotFound(f"no proposal {workflow_id!r} in the register",
                               field=where or None)
    if step_id in proposal.step_ids:
        return False
    try:
        check_agencies(step, uow.known_agencies())
        check_agencies(actor, uow.known_agencies(), "actor")
        for name, document in step.claims(proposal.state):
            claim(uow, document, name)
        before = proposal.state
        proposal.take(step, actor, step_id=step_id, at=uow.at, today=today)
        record_what_the_step_decides(uow, proposal, before, step, actor)
    except RegisterError as error:
        raise located(error, where) from None
    return True

