"""When the register is ahead of the workflow: adopt what the register recorded.

A staff step is an Update whose handler records the step in the register (a
local activity) before the workflow's state moves. Temporal keeps the Update
only once the workflow task that accepted it completes, so if the Temporal
server and the worker die together in between, Temporal forgets the step and
the register keeps it. The register is the record; the workflow follows it.

Two things close that gap. Every staff step carries a key (its step id in
the register) that a retry of the same command repeats, so the register
recognises the step instead of refusing it as a second one. And whenever the
register turns out to hold steps the workflow lacks, the workflow reads the
proposal from the register (``RegisterActivities.recorded_steps``) and
rebuilds its state from the register's steps, in the register's order, with
the same rules (``domain.process``): no step is checked or recorded twice.

``FollowsTheRegister`` is the part of ``ProposalWorkflow`` that does this
(the workflow inherits its update, query and helpers); ``adoption`` and
``check_key`` are its pure parts. All of it runs inside the workflow and
must stay deterministic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.common import RetryPolicy

from domain.errors import InvalidInput, RegisterError
from domain.permissions import Actor
from domain.process import rules as process
from domain.process.steps import Draft, Step
from workflows.activities import RegisterActivities, refusal
from workflows.contracts import ReadRecorded, Reconciled, RecordedStep, RecordedSteps

ADOPT_REGISTER_PATCH = "adopt-register-steps"
"""The patch that marks histories in which a step the register already held makes the
workflow read the register (an extra local activity) instead of applying the step alone."""


@dataclass(frozen=True)
class Adoption:
    """The workflow's state rebuilt from the register, and the steps that were new to it."""

    state: process.ProposalState
    adopted: tuple[RecordedStep, ...]


def adoption(recorded: RecordedSteps, applied: Mapping[str, Step]) -> Adoption | None:
    """The state the register's steps make, if the register holds any step not in ``applied``.

    None when they agree, and also when the workflow holds a step the register
    does not (a register restored from an older copy): adopting would then
    forget that step, so the workflow keeps its own state.
    """
    missing = tuple(s for s in recorded.steps if s.step_id not in applied)
    known = {s.step_id for s in recorded.steps}
    if not missing or not known.issuperset(applied) or not recorded.steps:
        return None
    first, *rest = recorded.steps
    if not isinstance(first.step, Draft):
        return None
    state = process.start(first.step)
    for taken in rest:
        state = process.evolve(state, taken.step)
    return Adoption(state=state, adopted=missing)


def check_key(applied: Mapping[str, Step], key: str, step: Step) -> None:
    """Refuse a key already used for a different step: a retry must repeat its command."""
    taken = applied[key]
    if taken != step:
        raise InvalidInput(f"the key {key!r} was already used for another step "
                           f"({taken.step}); send this step with a new key", field="key")


class FollowsTheRegister:
    """The workflow's side of reconciling: adopt the register's steps when it is ahead."""

    if TYPE_CHECKING:
        workflow_id: str
        state: process.ProposalState
        applied: dict[str, Step]
        lock: asyncio.Lock
        drafted: bool
        changes: int
        register_timeout: timedelta
        register_retry: RetryPolicy

        def _note(self, step: str, actor: Actor, note: str) -> None: ...

    @workflow.update
    async def reconcile(self) -> Reconciled:
        """Adopt the steps the register holds and this workflow does not (a crash lost them)."""
        await workflow.wait_condition(lambda: self.drafted)
        async with self.lock:
            adopted = await self._adopt_register()
        return Reconciled(stage=self.state.stage.value,
                          next_to_act=process.next_to_act(self.state), adopted=adopted)

    @workflow.query
    def taken_step_ids(self) -> list[str]:
        """The step ids this workflow has taken, to compare with the register's."""
        return sorted(self.applied)

    def _check_retry(self, key: str, step: Step) -> None:
        try:
            check_key(self.applied, key, step)
        except RegisterError as error:
            raise refusal(error) from None

    async def _adopt_register_if_patched(self) -> bool:
        """The register already held the step just sent: take over the register's state.

        Histories from before this patch applied the step alone; they replay so.
        """
        if not workflow.patched(ADOPT_REGISTER_PATCH):
            return False
        await self._adopt_register()
        return True

    async def _adopt_register(self) -> tuple[str, ...]:
        recorded: RecordedSteps = await workflow.execute_local_activity_method(
            RegisterActivities.recorded_steps, ReadRecorded(workflow_id=self.workflow_id),
            start_to_close_timeout=self.register_timeout, retry_policy=self.register_retry)
        found = adoption(recorded, self.applied)
        if found is None:
            return ()
        self.state = found.state
        self.changes += 1
        for taken in found.adopted:
            self.applied[taken.step_id] = taken.step
            self._note(taken.step.step, taken.actor,
                       f"{taken.step.describe()} (adopted from the register)")
        workflow.logger.warning("adopted %d step(s) the register held: %s", len(found.adopted),
                                ", ".join(t.step_id for t in found.adopted))
        return tuple(t.step_id for t in found.adopted)
