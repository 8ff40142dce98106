"""What a proposal's decision and notice record in the register itself.

When the Secretariat records the cabinet's approval (a ``decide`` step), the
approved items become a resolution of that meeting; when it notifies the
resolution (a ``notify`` step), the circular is recorded as the resolution's
notice. Both are recorded in the step's own unit of work, so the step and its
resolution commit together. Who may take the step is the step's permit
(the Secretariat's desk), the same who may record a resolution.
"""

from __future__ import annotations

from domain.errors import ResolutionNotFound
from domain.ids import resolution_id
from domain.permissions import Actor
from domain.process.proposal import Proposal
from domain.process.rules import ProposalState, resolution_clauses
from domain.process.steps import Decide, Notify, Outcome, Step
from domain.register.recording import record_resolution
from domain.register.records import ResolutionRecord
from domain.register.resolution import Resolution
from domain.register.unit_of_work import UnitOfWork
from domain.values import DocumentKind, SourceDocument

APPROVALS = (Outcome.APPROVED, Outcome.APPROVED_WITH_MODIFICATIONS)


def record_what_the_step_decides(uow: UnitOfWork, proposal: Proposal, before: ProposalState,
                                 step: Step, actor: Actor) -> None:
    """Record the resolution an approval makes, or the notice of one; else nothing."""
    if isinstance(step, Decide) and step.outcome in APPROVALS:
        record_decision(uow, before, step, actor)
    if isinstance(step, Notify):
        record_notice_of(uow, proposal, step, actor)


def record_decision(uow: UnitOfWork, before: ProposalState, step: Decide, actor: Actor) -> None:
    """The approved proposal (as it stood before the decision) as a resolution of the meeting."""
    meeting = SourceDocument(kind=DocumentKind.MEETING, date=step.meeting_date,
                             issuer="CABINET", title=before.title)
    record = ResolutionRecord(meeting_date=step.meeting_date, subject=before.title,
                              source=meeting, clauses=resolution_clauses(before, step),
                              actor=actor)
    record_resolution(uow, record, "decision")


def record_notice_of(uow: UnitOfWork, proposal: Proposal, step: Notify, actor: Actor) -> None:
    """The circular notifying the decision, recorded on the decision's resolution."""
    state = proposal.state
    assert state.meeting_date is not None
    resolution = uow.get(resolution_id(state.meeting_date, state.title), Resolution)
    if resolution is None:
        raise ResolutionNotFound("the decision's resolution is not in the register")
    resolution.record_notice(notice=step.circular, recipients=step.recipients, actor=actor,
                             at=uow.at)
