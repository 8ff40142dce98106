"""Activities: each records one step in the register, once.

Thin and synchronous (run in the worker's thread pool): one register command,
one ``save()``. The step id makes a retry, or a re-run after a worker died
between the save and its reply, a no-op. ``recorded_steps`` only reads: the
register's account of a proposal, which a workflow adopts when the register
is ahead of it (a crash of the whole server lost a step Temporal had not yet
kept; see ``workflows.reconcile``).
"""

from __future__ import annotations

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.errors import RegisterError
from domain.ids import proposal_id, resolution_id
from domain.register.application import Register
from workflows.contracts import ReadRecorded, RecordDraft, RecordedStep, RecordedSteps, TakeStep

log = structlog.get_logger(__name__)

REFUSED = "RegisterRefused"
"""Error type of a step the register refused: retrying cannot help."""


class RegisterActivities:
    def __init__(self, register: Register) -> None:
        self.register = register

    @activity.defn
    def record_draft(self, request: RecordDraft) -> bool:
        bound = log.bind(workflow_id=request.workflow_id,
                         proposal_id=str(proposal_id(request.workflow_id)), step="draft")
        try:
            recorded = self.register.draft_proposal(request.workflow_id, request.draft,
                                                    request.actor, step_id=request.step_id)
        except RegisterError as error:
            bound.warning("step_refused", reason=str(error))
            raise refusal(error) from None
        bound.info("step_recorded" if recorded else "step_already_recorded")
        return recorded

    @activity.defn
    def take_step(self, request: TakeStep) -> bool:
        bound = log.bind(workflow_id=request.workflow_id,
                         proposal_id=str(proposal_id(request.workflow_id)),
                         step=request.step.step, actor=str(request.actor),
                         step_id=request.step_id)
        try:
            recorded = self.register.take_step(request.workflow_id, request.step, request.actor,
                                               step_id=request.step_id, today=request.today)
        except RegisterError as error:
            bound.warning("step_refused", reason=str(error))
            self.register.refuse_attempt(
                request.workflow_id, attempt_id=request.step_id, step=request.step.step,
                actor=str(request.actor), reason=error.message, field=error.field,
                payload=request.step.model_dump_json(), username=request.username)
            raise refusal(error) from None
        if recorded and request.step.step in ("decide", "notify"):
            state = self.register.proposal(request.workflow_id).state
            bound = bound.bind(outcome=state.outcome, meeting_date=str(state.meeting_date))
            if state.meeting_date and state.outcome and state.outcome.startswith("approved"):
                bound = bound.bind(resolution_id=str(
                    resolution_id(state.meeting_date, state.title)))
        bound.info("step_recorded" if recorded else "step_already_recorded")
        return recorded

    @activity.defn
    def recorded_steps(self, request: ReadRecorded) -> RecordedSteps:
        """The proposal's steps as the register holds them, for a workflow to catch up."""
        events = self.register.history(proposal_id(request.workflow_id))
        return RecordedSteps(workflow_id=request.workflow_id, steps=tuple(
            RecordedStep(step_id=e.step_id, actor=e.actor, step=e.step) for e in events))


def refusal(error: RegisterError) -> ApplicationError:
    """The failure Temporal carries for a step the rules refuse: never retried."""
    return ApplicationError(error.message, error.field, type(error).__name__,
                            type=REFUSED, non_retryable=True)
