"""Typed inputs and results of the proposal workflow's updates, queries and activities.

Pydantic models, converted by ``pydantic_data_converter`` on client and
worker alike. Each update takes the acting person and one step model from
``domain.process.steps``, the same models the register records.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from domain.permissions import Actor
from domain.process.steps import (
    Amend,
    Approve,
    Decide,
    Draft,
    Endorse,
    ExtendDeadline,
    GiveOpinion,
    Notify,
    ProceedWithout,
    RequestOpinions,
    RequestReview,
    Schedule,
    Step,
    Submit,
    Withdraw,
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StartProposal(_Model):
    workflow_id: str
    actor: Actor
    draft: Draft
    reminder_days: int = 3
    """How many days before an opinion's deadline the engine sends a reminder."""


class EndorseRequest(_Model):
    actor: Actor
    step: Endorse


class ApproveRequest(_Model):
    actor: Actor
    step: Approve


class SubmitRequest(_Model):
    actor: Actor
    step: Submit


class RequestOpinionsRequest(_Model):
    actor: Actor
    step: RequestOpinions


class OpinionRequest(_Model):
    actor: Actor
    step: GiveOpinion


class AmendRequest(_Model):
    actor: Actor
    step: Amend


class RequestReviewRequest(_Model):
    actor: Actor
    step: RequestReview


class ExtendRequest(_Model):
    actor: Actor
    step: ExtendDeadline


class ProceedWithoutRequest(_Model):
    actor: Actor
    step: ProceedWithout


class ScheduleRequest(_Model):
    actor: Actor
    step: Schedule


class DecideRequest(_Model):
    actor: Actor
    step: Decide


class NotifyRequest(_Model):
    actor: Actor
    step: Notify


class WithdrawRequest(_Model):
    actor: Actor
    step: Withdraw


UPDATE_FOR_STEP: dict[str, tuple[str, type[_Model]]] = {
    "endorse": ("endorse", EndorseRequest),
    "approve": ("approve", ApproveRequest),
    "submit": ("submit", SubmitRequest),
    "request_opinions": ("request_opinions", RequestOpinionsRequest),
    "opinion": ("opinion", OpinionRequest),
    "amend": ("amend", AmendRequest),
    "request_review": ("request_review", RequestReviewRequest),
    "extend": ("extend", ExtendRequest),
    "proceed_without": ("proceed_without", ProceedWithoutRequest),
    "schedule": ("schedule", ScheduleRequest),
    "decide": ("decide", DecideRequest),
    "notify": ("notify", NotifyRequest),
    "withdraw": ("withdraw", WithdrawRequest),
}
"""The update (and its input model) for each staff step, by the step's name."""


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
