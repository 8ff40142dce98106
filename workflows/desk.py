"""The staff side of the workflow: start a proposal, take a step, ask its status.

Every step is sent with a key, its id in the register: the step is taken
once per key, however often it is sent. A caller that may retry (the CLI
keeps the key of a step whose outcome it did not learn; an API client sends
an idempotency key) passes the same key again; without one, each call is a
new step. A step the workflow's
validator refuses leaves no trace in Temporal's history, so the desk records
every refused attempt in the register's refusal log (keyed by the step's
key, so the activity's own record of a refusal and this one are the same
entry, and a refused command repeated is one entry).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import structlog
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain import errors
from domain.ids import proposal_id
from domain.permissions import Actor
from domain.process.rules import check_draft
from domain.process.steps import Draft, Step
from domain.register.application import Register
from domain.register.records import proposal_workflow_id
from workflows.contracts import (
    ProposalOutcome,
    ProposalStatus,
    StartProposal,
    StepRequest,
    StepResult,
)
from workflows.proposal import ProposalWorkflow
from workflows.unanswered import TemporalUnavailable, step_unconfirmed

log = structlog.get_logger(__name__)


class ProposalDesk:
    def __init__(self, client: Client, register: Register, task_queue: str) -> None:
        self.client = client
        self.register = register
        self.task_queue = task_queue

    async def start(self, draft: Draft, actor: Actor, *, reminder_days: int = 3,
                    today: date | None = None, username: str | None = None) -> str:
        """Start the proposal's workflow; ``today``, the acting day, refuses a memo dated later.

        (A caller whose clock is not the workflow engine's, such as a test moving
        a time-skipping server's clock, leaves it out.) ``username`` is the signed-in
        account acting, named in the refusal log if the draft is refused.
        """
        workflow_id = proposal_workflow_id(draft)
        bound = log.bind(workflow_id=workflow_id, proposal_id=str(proposal_id(workflow_id)))
        attempt = f"start:{uuid.uuid4()}"
        try:
            check_draft(draft, actor, today)
            # The register is synchronous (a database round trip): off the event loop,
            # which may also be serving HTTP and Temporal's worker.
            await asyncio.to_thread(self.register.check_draft, workflow_id, draft, actor)
        except errors.RegisterError as error:
            await self._refused(workflow_id, attempt, "draft", actor, error,
                                draft.model_dump_json(), username)
            raise
        try:
            await self.client.start_workflow(
                ProposalWorkflow.run,
                StartProposal(workflow_id=workflow_id, actor=actor, draft=draft,
                              reminder_days=reminder_days),
                id=workflow_id, task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
        except WorkflowAlreadyStartedError:
            raise errors.Conflict(f"proposal {workflow_id} was already started",
                                  field="memo.number") from None
        bound.info("proposal_started", actor=str(actor))
        return workflow_id

    async def act(self, workflow_id: str, step: Step, actor: Actor, *,
                  key: str | None = None, username: str | None = None) -> StepResult:
        """Take ``step`` as ``actor``; the same command sent again takes it once.

        ``key`` is the step's idempotency key (its step id in the register): a
        retry of the same intended step passes the key it was first sent with,
        so it is taken once; without one, the call is a new step. ``username`` is the
        signed-in account acting, named in the refusal log. If the workflow
        refuses while the register holds steps the workflow lacks (a crash
        of the whole server lost them from Temporal), the workflow adopts the
        register's steps and the step is sent once more.
        """
        key = key or new_key(step)
        handle = self.client.get_workflow_handle(workflow_id)
        bound = log.bind(workflow_id=workflow_id, proposal_id=str(proposal_id(workflow_id)),
                         step=step.step, actor=str(actor), key=key)
        try:
            return await self._send(handle, step, actor, key, bound, username)
        except WorkflowUpdateFailedError as failure:
            refused = failure
        if await self._follow_register(handle, bound):
            try:
                return await self._send(handle, step, actor, key, bound, username)
            except WorkflowUpdateFailedError as failure:
                refused = failure
        error = _as_register_error(refused.cause)
        await self._refused(workflow_id, key, step.step, actor, error, step.model_dump_json(),
                            username)
        raise error from None

    async def _send(self, handle: WorkflowHandle[Any, Any], step: Step, actor: Actor, key: str,
                    bound: structlog.typing.FilteringBoundLogger,
                    username: str | None = None) -> StepResult:
        # A fresh update id per send: Temporal answers a reused id with the first
        # outcome, even a failure that a retry is meant to get past.
        update_id = f"{key}/{uuid.uuid4().hex[:12]}"
        bound = bound.bind(update_id=update_id)
        bound.info("step_sent")
        try:
            result: StepResult = await handle.execute_update(
                step.step, StepRequest(actor=actor, step=step, key=key, username=username),
                id=update_id,
                result_type=StepResult)
        except TemporalUnavailable as failure:
            # Temporal cannot say whether the step was taken; the register can.
            bound.info("step_unanswered", reason=str(failure))
            raise await asyncio.to_thread(step_unconfirmed, self.register, handle.id,
                                          step.step, key, failure) from None
        except RPCError as failure:
            raise _missing(handle.id, failure) from None
        bound.info("step_taken", stage=result.stage, recorded=result.recorded)
        return result

    async def _follow_register(self, handle: WorkflowHandle[Any, Any],
                               bound: structlog.typing.FilteringBoundLogger) -> bool:
        """Have the workflow adopt the register's steps if it lacks some; True if it did."""
        try:
            recorded = (await asyncio.to_thread(self.register.proposal, handle.id)).step_ids
            taken = set(await handle.query(ProposalWorkflow.taken_step_ids))
            if recorded <= taken:
                return False
            reconciled = await handle.execute_update(
                ProposalWorkflow.reconcile, id=f"reconcile/{uuid.uuid4().hex[:12]}")
        except (errors.ProposalNotFound, WorkflowQueryFailedError, WorkflowUpdateFailedError,
                RPCError, TemporalUnavailable) as failure:
            bound.warning("register_not_compared", reason=str(failure))
            return False
        bound.warning("workflow_followed_register", adopted=list(reconciled.adopted),
                      stage=reconciled.stage)
        return bool(reconciled.adopted)

    async def status(self, workflow_id: str) -> ProposalStatus:
        handle = self.client.get_workflow_handle(workflow_id)
        try:
            return await handle.query(ProposalWorkflow.status)
        except RPCError as failure:
            raise _missing(workflow_id, failure) from None

    async def outcome(self, workflow_id: str) -> ProposalOutcome:
        handle = self.client.get_workflow_handle(workflow_id, result_type=ProposalOutcome)
        outcome: ProposalOutcome = await handle.result()
        return outcome

    async def _refused(self, workflow_id: str, attempt: str, step: str, actor: Actor,
                       error: errors.RegisterError, payload: str,
                       username: str | None) -> None:
        log.warning("step_refused", workflow_id=workflow_id, step=step, actor=str(actor),
                    username=username, reason=str(error))
        await asyncio.to_thread(
            self.register.refuse_attempt, workflow_id, attempt_id=attempt, step=step,
            actor=str(actor), reason=error.message, field=error.field, payload=payload,
            username=username)


def new_key(step: Step) -> str:
    """A key for a new intended step (a retry passes the key it was first sent with)."""
    return f"{step.step}-{uuid.uuid4().hex[:24]}"


def _as_register_error(cause: BaseException | None) -> errors.RegisterError:
    if isinstance(cause, ApplicationError):
        field, kind, *_ = (*cause.details, None, None)
        error_class = getattr(errors, str(kind), None)
        if not (isinstance(error_class, type) and issubclass(error_class, errors.RegisterError)):
            error_class = errors.RegisterError
        return error_class(cause.message, field=field)
    return errors.RegisterError(str(cause) if cause else "the workflow refused the step")


def _missing(workflow_id: str, failure: RPCError) -> Exception:
    if failure.status == RPCStatusCode.NOT_FOUND and "completed" in failure.message:
        return errors.WrongStage(f"proposal {workflow_id} is closed; it takes no more steps",
                                 field="proposal")
    if failure.status == RPCStatusCode.NOT_FOUND:
        return errors.ProposalNotFound(f"no proposal {workflow_id!r} in the workflow engine",
                                       field="proposal")
    return failure
