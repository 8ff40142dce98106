"""The proposal workflow: one per proposal, from the proposer's draft to the notice.

Staff move it with Updates, one per staff step and named as the step; one
handler takes them all. Its validator applies the process
rules (``domain.process``) to the current state, so a wrong actor, a wrong
stage or a malformed payload is refused before anything happens. An
accepted step is recorded in the register by a local activity (the step id
is the request's key, else the update id, so a re-run or a retry records it
once), and only then does the workflow's state move. When the register turns
out to be ahead (a crash lost a step Temporal had not kept), the workflow
adopts the register's steps (``workflows.reconcile``). Durable timers remind
agencies of opinion deadlines, escalate overdue ones to the Secretariat, and
wait out a deferral.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.errors import InvalidInput, RegisterError
    from domain.paperwork.thai_dates import BANGKOK
    from domain.permissions import ENGINE, Actor
    from domain.process import rules as process
    from domain.process.steps import (
        STAFF_STEPS,
        EscalateOverdue,
        RemindOpinion,
        Reschedule,
        Step,
    )
    from workflows.activities import REFUSED, RegisterActivities, refusal
    from workflows.contracts import (
        HistoryEntry,
        OpinionStatus,
        ProposalOutcome,
        ProposalStatus,
        RecordDraft,
        StartProposal,
        StepRequest,
        StepResult,
        TakeStep,
        request_model,
    )
    from workflows.reconcile import FollowsTheRegister

REGISTER_TIMEOUT = timedelta(seconds=30)
REGISTER_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200),
                             maximum_interval=timedelta(seconds=10), maximum_attempts=10,
                             non_retryable_error_types=[REFUSED])
"""About a minute of retries: then a staff step fails (and can be sent again)."""
ENGINE_RETRY_AFTER = timedelta(minutes=5)
REMINDER_HOUR = 9
DATED_DOCUMENTS = "dated-documents"
"""The patch that brought the rules on dates (a document after the acting day or before the
step it follows, a deadline already past): histories recorded before it replay without them."""


def _start_of(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BANGKOK)


@workflow.defn
class ProposalWorkflow(FollowsTheRegister):
    @workflow.init
    def __init__(self, start: StartProposal) -> None:
        self.workflow_id = start.workflow_id
        self.reminder_days = start.reminder_days
        self.state = process.start(start.draft)
        self.history: list[HistoryEntry] = []
        self.lock = asyncio.Lock()
        self.changes = 0
        self.drafted = False
        self.applied: dict[str, Step] = {}
        """Every step this workflow has taken, by its step id (its key in the register)."""

    register_timeout = REGISTER_TIMEOUT
    register_retry = REGISTER_RETRY

    # --- the run: draft, then timers until closed ---------------------------------------

    @workflow.run
    async def run(self, start: StartProposal) -> ProposalOutcome:
        async with self.lock:
            await self._record(RegisterActivities.record_draft, RecordDraft(
                workflow_id=self.workflow_id, actor=start.actor, draft=start.draft,
                step_id="draft"))
            self._note("draft", start.actor, start.draft.title)
            self.applied["draft"] = start.draft
            self.drafted = True
        while self.state.stage is not process.Stage.CLOSED:
            await self._wait_for_change_or_timer()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ProposalOutcome(workflow_id=self.workflow_id, outcome=self.state.outcome,
                               meeting_date=self.state.meeting_date, steps=len(self.history))

    async def _wait_for_change_or_timer(self) -> None:
        seen = self.changes
        due = self._next_engine_step()
        if due is None:
            await workflow.wait_condition(lambda: self.changes != seen)
            return
        at, step, step_id = due
        delay = (at - workflow.now()).total_seconds()
        if delay > 0:
            try:
                await workflow.wait_condition(lambda: self.changes != seen, timeout=delay,
                                              timeout_summary=f"{step.step}")
                return
            except TimeoutError:
                pass
        async with self.lock:
            if self.changes != seen:  # somebody moved the proposal while the timer ran out
                return
            try:
                await self._take(step, ENGINE, step_id=step_id)
                return
            except (ActivityError, ApplicationError) as error:
                workflow.logger.warning("the register did not record %s (%s); retrying later",
                                        step_id, error)
        # The register is unreachable: try the engine's step again in a while,
        # rather than fail the proposal's whole workflow.
        await workflow.sleep(ENGINE_RETRY_AFTER)

    def _next_engine_step(self) -> tuple[datetime, Step, str] | None:
        """The earliest thing the engine must do on its own: remind, escalate, reschedule.

        Each comes with its step id: what it is, for whom, which request and
        which deadline, so that a retry finds it in the register and a second
        request with the same deadline (a review) is still a new step.
        """
        candidates: list[tuple[datetime, Step, str]] = []
        now = workflow.now()
        for slot in sorted(self.state.pending, key=lambda s: s.agency):
            request = slot.requested_by.number or slot.requested_by.date.isoformat()
            tail = f"{slot.agency}:{request}:{slot.due.isoformat()}"
            escalate_at = _start_of(slot.due + timedelta(days=1))
            if not slot.overdue:
                candidates.append((escalate_at, EscalateOverdue(agency=slot.agency, due=slot.due),
                                   f"engine:escalate:{tail}"))
            remind_at = _start_of(slot.due - timedelta(days=self.reminder_days), REMINDER_HOUR)
            if not slot.reminded and not slot.overdue and now < escalate_at:
                candidates.append((remind_at, RemindOpinion(agency=slot.agency, due=slot.due),
                                   f"engine:remind:{tail}"))
        if self.state.stage is process.Stage.DEFERRED and self.state.meeting_date:
            meeting = self.state.meeting_date
            candidates.append((_start_of(meeting), Reschedule(meeting_date=meeting),
                               f"engine:reschedule:{meeting.isoformat()}"))
        return min(candidates, key=lambda c: c[0]) if candidates else None

    # --- taking a step -----------------------------------------------------------------

    def _today(self) -> date:
        return workflow.now().astimezone(BANGKOK).date()

    def _check(self, step: Step, actor: Actor, *, dates: bool = True) -> None:
        try:
            process.check(self.state, step, actor, self._today(), dates=dates)
        except RegisterError as error:
            raise refusal(error) from None

    async def _take(self, step: Step, actor: Actor, *, step_id: str,
                    username: str | None = None) -> StepResult:
        if step_id in self.applied:  # a retry of a step taken while this one waited
            return self._result(recorded=False)
        # The state may have moved while this handler waited for the lock. (Validators
        # do not run on replay; this check does, so the rules on dates apply only to
        # steps taken since they came in.)
        self._check(step, actor, dates=workflow.patched(DATED_DOCUMENTS))
        recorded = await self._record(RegisterActivities.take_step, TakeStep(
            workflow_id=self.workflow_id, actor=actor, step=step, step_id=step_id,
            today=self._today(), username=username))
        if not recorded and await self._adopt_register_if_patched():
            return self._result(recorded=False)
        self.state = process.evolve(self.state, step)
        self.changes += 1
        self.applied[step_id] = step
        self._note(step.step, actor, step.describe())
        return self._result(recorded)

    def _result(self, recorded: bool) -> StepResult:
        return StepResult(stage=self.state.stage.value,
                          next_to_act=process.next_to_act(self.state), recorded=recorded)

    async def _record(self, method: Any, request: Any) -> bool:
        try:
            return bool(await workflow.execute_local_activity_method(
                method, request, start_to_close_timeout=REGISTER_TIMEOUT,
                retry_policy=REGISTER_RETRY))
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type == REFUSED:
                raise ApplicationError(cause.message, *cause.details, type=REFUSED,
                                       non_retryable=True) from None
            raise

    async def _staff_step(self, step: Step, actor: Actor, step_id: str,
                          username: str | None = None) -> StepResult:
        # An update can arrive with the start, before the draft is in the register.
        await workflow.wait_condition(lambda: self.drafted)
        async with self.lock:
            return await self._take(step, actor, step_id=step_id, username=username)

    def _note(self, step: str, actor: Actor, note: str) -> None:
        self.history.append(HistoryEntry(step=step, actor=str(actor), at=workflow.now(),
                                         note=note))

    # --- updates: one per staff step, all through one handler -----------------------------

    @workflow.update(dynamic=True)
    async def take_step(self, name: str, args: Sequence[RawValue]) -> StepResult:
        """Every staff step is an update named as the step ("endorse", "opinion", …)."""
        request = _step_request(name, args)
        return await self._staff_step(request.step, request.actor,
                                      request.key or _update_id(), request.username)

    @take_step.validator
    def _step_allowed(self, name: str, args: Sequence[RawValue]) -> None:
        request = _step_request(name, args)
        if request.key is not None and request.key in self.applied:
            self._check_retry(request.key, request.step)  # taken already: the retry succeeds
            return
        self._check(request.step, request.actor)

    # --- queries -------------------------------------------------------------------------

    @workflow.query
    def status(self) -> ProposalStatus:
        state = self.state
        return ProposalStatus(
            workflow_id=self.workflow_id, title=state.title, proposer=state.proposer,
            stage=state.stage.value, next_to_act=process.next_to_act(state),
            meeting_date=state.meeting_date, outcome=state.outcome,
            opinions=tuple(OpinionStatus(
                agency=s.agency, status=s.status.value, due=s.due, reminded=s.reminded,
                overdue=s.overdue, review=s.review,
                letter=s.current.letter.number if s.current else None,
                stance=s.current.stance.value if s.current else None) for s in state.slots),
            history=tuple(self.history))


def _step_request(name: str, args: Sequence[RawValue]) -> StepRequest:
    """The update's input as a step named ``name``, or the refusal saying what is wrong."""
    if name not in STAFF_STEPS:
        raise refusal(InvalidInput(
            f"there is no step {name!r}; the steps are {', '.join(STAFF_STEPS)}",
            field="step"))
    if len(args) != 1:
        raise refusal(InvalidInput(f"the {name} update takes one request, not {len(args)}",
                                   field="request"))
    try:
        request = workflow.payload_converter().from_payload(args[0].payload,
                                                            request_model(name))
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"])
        raise refusal(InvalidInput(str(error), field=where or None)) from None
    return request


def _update_id() -> str:
    info = workflow.current_update_info()
    assert info is not None
    return info.id

