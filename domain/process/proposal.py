"""A proposal's path to the cabinet as the register records it, step by step.

The rules are ``domain.process``; this aggregate keeps the record. Each step
carries an id chosen by whoever sends it (the workflow uses its update id),
so a retried step is recognised and recorded once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.events import RegisterAggregate, stored_as
from domain.ids import proposal_id, refusals_id
from domain.permissions import Actor
from domain.process import rules as process
from domain.process.steps import (
    Amend,
    Approve,
    Decide,
    Draft,
    Endorse,
    EscalateOverdue,
    ExtendDeadline,
    GiveOpinion,
    Notify,
    ProceedWithout,
    RemindOpinion,
    RequestOpinions,
    RequestReview,
    Reschedule,
    Schedule,
    Step,
    Submit,
    Withdraw,
)


@stored_as("domain.proposal")
class Proposal(RegisterAggregate):
    if TYPE_CHECKING:
        workflow_id: str
        state: process.ProposalState
        step_ids: set[str]

    class Drafted(RegisterAggregate.Created):
        workflow_id: str
        step_id: str
        step: Draft
        actor: Actor

        def apply(self, aggregate: Proposal) -> None:
            aggregate.workflow_id = self.workflow_id
            aggregate.state = process.start(self.step)
            aggregate.step_ids = {self.step_id}

    class StepTaken(RegisterAggregate.Event):
        step_id: str
        actor: Actor

        def apply(self, aggregate: Proposal) -> None:
            aggregate.state = process.evolve(aggregate.state, self.step)  # type: ignore[attr-defined]
            aggregate.step_ids.add(self.step_id)

    class Endorsed(StepTaken):
        step: Endorse

    class ApprovedForSubmission(StepTaken):
        step: Approve

    class Submitted(StepTaken):
        step: Submit

    class OpinionsRequested(StepTaken):
        step: RequestOpinions

    class OpinionGiven(StepTaken):
        step: GiveOpinion

    class Amended(StepTaken):
        step: Amend

    class ReviewRequested(StepTaken):
        step: RequestReview

    class DeadlineExtended(StepTaken):
        step: ExtendDeadline

    class WentOnWithout(StepTaken):
        step: ProceedWithout

    class ReminderIssued(StepTaken):
        step: RemindOpinion

    class OverdueEscalated(StepTaken):
        step: EscalateOverdue

    class Scheduled(StepTaken):
        step: Schedule

    class Decided(StepTaken):
        step: Decide

    class Rescheduled(StepTaken):
        step: Reschedule

    class Notified(StepTaken):
        step: Notify

    class Withdrawn(StepTaken):
        step: Withdraw

    @classmethod
    def draft(cls, *, workflow_id: str, step: Draft, actor: Actor, step_id: str,
              at: datetime) -> Proposal:
        process.check_draft(step, actor)
        return cls._create(cls.Drafted, id=proposal_id(workflow_id), timestamp=at,
                           workflow_id=workflow_id, step_id=step_id, step=step, actor=actor)

    def take(self, step: Step, actor: Actor, *, step_id: str, at: datetime,
             today: Any = None) -> bool:
        """Record ``step`` if it is new and allowed; False if it was already recorded."""
        if step_id in self.step_ids:
            return False
        process.check(self.state, step, actor, today)
        self.trigger_event(EVENT_FOR[type(step)], timestamp=at, step_id=step_id, step=step,
                           actor=actor)
        return True


EVENT_FOR: dict[type, type[Proposal.StepTaken]] = {
    Endorse: Proposal.Endorsed,
    Approve: Proposal.ApprovedForSubmission,
    Submit: Proposal.Submitted,
    RequestOpinions: Proposal.OpinionsRequested,
    GiveOpinion: Proposal.OpinionGiven,
    Amend: Proposal.Amended,
    RequestReview: Proposal.ReviewRequested,
    ExtendDeadline: Proposal.DeadlineExtended,
    ProceedWithout: Proposal.WentOnWithout,
    RemindOpinion: Proposal.ReminderIssued,
    EscalateOverdue: Proposal.OverdueEscalated,
    Schedule: Proposal.Scheduled,
    Decide: Proposal.Decided,
    Reschedule: Proposal.Rescheduled,
    Notify: Proposal.Notified,
    Withdraw: Proposal.Withdrawn,
}


@stored_as("domain.proposal")
class RefusalLog(RegisterAggregate):
    """Attempts the engine refused, kept for auditors.

    A refused command changes neither the proposal nor its workflow, and an
    update rejected by its validator leaves no trace in Temporal's history,
    so this log is the only record that someone tried.
    """

    if TYPE_CHECKING:
        workflow_id: str
        attempt_ids: set[str]

    class Opened(RegisterAggregate.Created):
        workflow_id: str

        def apply(self, aggregate: RefusalLog) -> None:
            aggregate.workflow_id = self.workflow_id
            aggregate.attempt_ids = set()

    class AttemptRefused(RegisterAggregate.Event):
        attempt_id: str
        step: str
        actor: str
        reason: str
        field: str | None
        payload: str

        def apply(self, aggregate: RefusalLog) -> None:
            aggregate.attempt_ids.add(self.attempt_id)

    @classmethod
    def open(cls, workflow_id: str, at: datetime) -> RefusalLog:
        return cls._create(cls.Opened, id=refusals_id(workflow_id), timestamp=at,
                           workflow_id=workflow_id)

    def refuse(self, *, attempt_id: str, step: str, actor: str, reason: str, field: str | None,
               payload: str, at: datetime) -> None:
        if attempt_id in self.attempt_ids:
            return
        self.trigger_event(self.AttemptRefused, timestamp=at, attempt_id=attempt_id, step=step,
                           actor=actor, reason=reason, field=field, payload=payload)
