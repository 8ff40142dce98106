"""Typed inputs and results of the proposal workflow's updates, queries and activities.

Pydantic models, converted by ``pydantic_data_converter`` on client and
worker alike. Each staff step is an update of the same name taking a
``StepRequest``: the acting person and one step model from
``domain.process.steps``, the same models the register records.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain.permissions import Actor
from domain.process.declaration import ProcessStep
from domain.process.steps import STAFF_STEPS, Draft, Step


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StartProposal(_Model):
    workflow_id: str
    actor: Actor
    draft: Draft
    reminder_days: int = 3
    """How many days before an opinion's deadline the engine sends a reminder."""


class StepRequest(_Model):
    """The input of every staff step's update: who acts, and the step (named as the update)."""

    actor: Actor
    step: Step
    key: str | None = Field(default=None, min_length=1, max_length=200)
    """The step's idempotency key, and its step id in the register: a retry sends the same
    key, and the step is taken once. None: the update's id (as before keys)."""
    username: str | None = Field(default=None, max_length=200)
    """The signed-in account sending the step (the HTTP API's principal), for the refusal
    log only: who acts in the register is ``actor``."""


UPDATE_FOR_STEP: dict[str, tuple[str, type[StepRequest]]] = {
    name: (name, StepRequest) for name in STAFF_STEPS}
"""The update (and its input model) for each staff step, by the step's name: the same name."""


@cache
def request_model(name: str) -> type[StepRequest]:
    """The request of one staff step (``GiveOpinionRequest``: an actor and a ``GiveOpinion``).

    The workflow decodes each update with its step's own model, so a bad
    payload is reported against that step's fields; an API can publish it
    as the route's schema. Its instances are ``StepRequest``s.
    """
    step_type: type[ProcessStep] = STAFF_STEPS[name]
    model: type[StepRequest] = create_model(
        f"{step_type.__name__}Request", __base__=StepRequest, __module__=__name__,
        __doc__=f"Who acts, and the {name} step.", step=(step_type, ...))
    return model


class StepResult(_Model):
    stage: str
    next_to_act: str
    recorded: bool
    """False if the register already held this step (a retry)."""


class OpinionStatus(_Model):
    agency: str
    status: str
    due: date
    reminded: bool
    overdue: bool
    review: bool
    letter: str | None
    stance: str | None


class HistoryEntry(_Model):
    step: str
    actor: str
    at: datetime
    note: str


class ProposalStatus(_Model):
    workflow_id: str
    title: str
    proposer: str
    stage: str
    next_to_act: str
    meeting_date: date | None
    outcome: str | None
    opinions: tuple[OpinionStatus, ...]
    history: tuple[HistoryEntry, ...]


class ProposalOutcome(_Model):
    workflow_id: str
    outcome: str | None
    meeting_date: date | None
    steps: int


class RecordDraft(_Model):
    workflow_id: str
    actor: Actor
    draft: Draft
    step_id: str


class TakeStep(_Model):
    workflow_id: str
    actor: Actor
    step: Step
    step_id: str
    today: date | None = None
    username: str | None = None
    """The account that sent the step, named if the register refuses it."""


class ReadRecorded(_Model):
    workflow_id: str


class RecordedStep(_Model):
    """One step as the register recorded it, under the id it was sent with."""

    step_id: str
    actor: Actor
    step: Step


class RecordedSteps(_Model):
    """A proposal's steps in the register, the draft first, in the order recorded."""

    workflow_id: str
    steps: tuple[RecordedStep, ...]


class Reconciled(_Model):
    """What the workflow took over from the register (nothing if they agreed)."""

    stage: str
    next_to_act: str
    adopted: tuple[str, ...]
    """The step ids the register held and the workflow did not."""
