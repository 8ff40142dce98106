"""A proposal's path to the cabinet as the register records it, step by step.

The rules are ``domain.process``; this aggregate keeps the record. Each step
carries an id chosen by whoever sends it (the workflow uses its update id),
so a retried step is recognised and recorded once.
"""

from __future__ import annotations

import hashlib
import types
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.events import RegisterAggregate, stored_as
from domain.ids import proposal_id, refusals_id
from domain.permissions import Actor
from domain.process import rules as process
from domain.process.declaration import ProcessStep
from domain.process.steps import TAKEN_STEPS, Draft, Step


class Proposal(RegisterAggregate):
    """One proposal; its events are ``Drafted`` and one ``StepTaken`` subclass per step.

    The step events (``Proposal.Endorsed``, ``Proposal.OpinionGiven``, …) are
    made from the steps' declarations below, named by each step's
    ``event_name``, and pinned like any other.
    """

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

    @classmethod
    def draft(cls, *, workflow_id: str, step: Draft, actor: Actor, step_id: str,
              at: datetime) -> Proposal:
        process.check_draft(step, actor)
        proposal: Proposal = cls._create(
            cls.Drafted, id=proposal_id(workflow_id), timestamp=at, workflow_id=workflow_id,
            step_id=step_id, step=step, actor=actor)
        return proposal

    def take(self, step: Step, actor: Actor, *, step_id: str, at: datetime,
             today: Any = None) -> bool:
        """Record ``step`` if it is new and allowed; False if it was already recorded."""
        if step_id in self.step_ids:
            return False
        process.check(self.state, step, actor, today)
        self.trigger_event(EVENT_FOR[type(step)], timestamp=at, step_id=step_id, step=step,
                           actor=actor)
        return True


def _step_event(step_type: type[ProcessStep]) -> type[Proposal.StepTaken]:
    """``Proposal.<event_name>``: the event recording one step, carrying its model."""
    name = step_type.event_name

    def body(namespace: dict[str, Any]) -> None:
        namespace.update({
            "__module__": Proposal.__module__, "__qualname__": f"{Proposal.__qualname__}.{name}",
            "__annotations__": {"step": step_type}, "__doc__": step_type.__doc__})

    event_class: type[Proposal.StepTaken] = types.new_class(
        name, (Proposal.StepTaken,), exec_body=body)
    setattr(Proposal, name, event_class)
    return event_class


EVENT_FOR: dict[type, type[Proposal.StepTaken]] = {
    step_type: _step_event(step_type) for step_type in TAKEN_STEPS.values()}
"""The register's event for each step taken after the draft."""

stored_as("domain.proposal")(Proposal)


@stored_as("domain.proposal")
class RefusalLog(RegisterAggregate):
    """Attempts the engine refused, kept for auditors.

    A refused command changes neither the proposal nor its workflow, and an
    update rejected by its validator leaves no trace in Temporal's history,
    so this log is the only record that someone tried.

    It is bounded, so that nobody can grow the store by being refused: an
    attempt identical to one kept in the last day (same actor, step, reason,
    field and payload) is not kept again, and one actor's refusals are kept
    up to ``PER_ACTOR_PER_HOUR`` in any hour. The attempts beyond are still
    refused; the desk's and the worker's logs name each one.
    """

    PER_ACTOR_PER_HOUR = 20
    SAME_KEPT_ONCE_FOR = timedelta(days=1)
    HOUR = timedelta(hours=1)

    if TYPE_CHECKING:
        workflow_id: str
        attempt_ids: set[str]
        kept_at: dict[str, datetime]
        """When each distinct refusal of the last day was kept (by ``_same``)."""
        recent: dict[str, list[datetime]]
        """When each actor's refusals of the last hour were kept."""

    class Opened(RegisterAggregate.Created):
        workflow_id: str

        def apply(self, aggregate: RefusalLog) -> None:
            aggregate.workflow_id = self.workflow_id
            aggregate.attempt_ids = set()
            aggregate.kept_at = {}
            aggregate.recent = {}

    class AttemptRefused(RegisterAggregate.Event):
        attempt_id: str
        step: str
        actor: str
        reason: str
        field: str | None
        payload: str
        username: str | None = None
        """The signed-in account that tried (absent from refusals kept before sign-in)."""

        def apply(self, aggregate: RefusalLog) -> None:
            aggregate.attempt_ids.add(self.attempt_id)
            at = self.timestamp
            aggregate.kept_at = {k: t for k, t in aggregate.kept_at.items()
                                 if at - t < RefusalLog.SAME_KEPT_ONCE_FOR}
            aggregate.kept_at[_same(self.step, self.actor, self.reason, self.field,
                                    self.payload, self.username)] = at
            aggregate.recent[self.actor] = [
                *_within_hour(aggregate.recent.get(self.actor, []), at), at]

    @classmethod
    def open(cls, workflow_id: str, at: datetime) -> RefusalLog:
        log: RefusalLog = cls._create(cls.Opened, id=refusals_id(workflow_id), timestamp=at,
                                      workflow_id=workflow_id)
        return log

    def refuse(self, *, attempt_id: str, step: str, actor: str, reason: str, field: str | None,
               payload: str, at: datetime, username: str | None = None) -> bool:
        """Keep a refused attempt; False if it is a retry, a repeat, or over the actor's rate.

        A repeat is the same person's: another account refused the same way is kept.
        """
        if attempt_id in self.attempt_ids:
            return False
        kept = self.kept_at.get(_same(step, actor, reason, field, payload, username))
        if kept is not None and at - kept < self.SAME_KEPT_ONCE_FOR:
            return False
        if len(_within_hour(self.recent.get(actor, []), at)) >= self.PER_ACTOR_PER_HOUR:
            return False
        self.trigger_event(self.AttemptRefused, timestamp=at, attempt_id=attempt_id, step=step,
                           actor=actor, reason=reason, field=field, payload=payload,
                           username=username)
        return True


def _same(*parts: str | None) -> str:
    """One key for refusals that say the same thing, whatever their attempt ids."""
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()


def _within_hour(times: list[datetime], at: datetime) -> list[datetime]:
    return [t for t in times if at - t < RefusalLog.HOUR]
