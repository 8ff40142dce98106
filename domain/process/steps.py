"""Every step of a proposal's path to the cabinet, in one union.

The steps are declared in ``signing``, ``consultation``, ``meeting`` and
``corrections`` (see
``declaration`` for what a declaration holds). Adding a step is writing its
model there, giving it a row in ``domain.permissions.PERMITS``, and naming
it in ``Step`` below; everything else is derived from ``STEP_TYPES``.
"""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field

from domain.process.consultation import (
    EscalateOverdue,
    ExtendDeadline,
    GiveOpinion,
    OpinionRequest,
    ProceedWithout,
    RemindOpinion,
    RequestOpinions,
    RequestReview,
)
from domain.process.corrections import CorrectDocument, RescheduleMeeting, Unschedule
from domain.process.declaration import ProcessStep
from domain.process.meeting import Decide, Notify, Reschedule, Schedule
from domain.process.signing import Amend, Approve, Draft, Endorse, Submit, Withdraw
from domain.process.stages import Outcome, Stance

Step = Annotated[
    Draft
    | Endorse
    | Approve
    | Submit
    | RequestOpinions
    | GiveOpinion
    | Amend
    | RequestReview
    | ExtendDeadline
    | ProceedWithout
    | RemindOpinion
    | EscalateOverdue
    | Schedule
    | Decide
    | Reschedule
    | Notify
    | Withdraw
    | RescheduleMeeting
    | Unschedule
    | CorrectDocument,
    Field(discriminator="step"),
]

STEP_TYPES: dict[str, type[ProcessStep]] = {
    step_type.name(): step_type for step_type in get_args(get_args(Step)[0])}
"""Each step's model by the step's name ("endorse", "request_opinions", …)."""

TAKEN_STEPS: dict[str, type[ProcessStep]] = {
    name: step_type for name, step_type in STEP_TYPES.items() if step_type is not Draft}
"""The steps taken on a drafted proposal: each is an event of the register's Proposal."""

STAFF_STEPS: dict[str, type[ProcessStep]] = {
    name: step_type for name, step_type in TAKEN_STEPS.items() if not step_type.by_engine()}
"""The steps people take (the workflow's updates, the CLI's verbs, the API's routes)."""

__all__ = [
    "STAFF_STEPS", "STEP_TYPES", "TAKEN_STEPS", "Amend", "Approve", "CorrectDocument",
    "Decide", "Draft",
    "Endorse", "EscalateOverdue", "ExtendDeadline", "GiveOpinion", "Notify", "OpinionRequest",
    "Outcome", "ProceedWithout", "ProcessStep", "RemindOpinion", "RequestOpinions",
    "RequestReview", "Reschedule", "RescheduleMeeting", "Schedule", "Stance", "Step",
    "Submit", "Unschedule", "Withdraw",
]
