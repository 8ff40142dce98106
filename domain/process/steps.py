"""The steps of a proposal's path to the cabinet, as typed commands.

One model per step. The same models are the register's event payloads, the
import file's proposal records, and the workflow's update inputs, so a step
means the same thing wherever it is taken.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.paperwork.fields import Line, Text, ThaiDate
from domain.values import AgencyCode, Clause, ClauseNo, SourceDocument


class Stance(StrEnum):
    CONCUR = "concur"
    CONCUR_WITH_REMARKS = "concur_with_remarks"
    OBJECT = "object"


class Outcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_MODIFICATIONS = "approved_with_modifications"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    RETURNED = "returned"


class _Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Draft(_Step):
    """The proposing agency's memo to the PM through the supervising Deputy PM."""

    step: Literal["draft"] = "draft"
    proposer: AgencyCode
    supervisor: AgencyCode = "DPM"
    title: Line
    memo: SourceDocument
    items: tuple[Clause, ...] = Field(min_length=1)


class Endorse(_Step):
    """The Deputy PM endorses the proposal, or approves an amendment to it."""

    step: Literal["endorse"] = "endorse"
    document: SourceDocument
    remarks: Text | None = None


class Approve(_Step):
    """The PM approves submitting the matter to the cabinet."""

    step: Literal["approve"] = "approve"
    document: SourceDocument


class Submit(_Step):
    """The proposer's formal letter to the Secretariat."""

    step: Literal["submit"] = "submit"
    letter: SourceDocument
    legal_basis: Text | None = None
    urgent: bool = False


class OpinionRequest(_Step):
    agency: AgencyCode
    due: ThaiDate


class RequestOpinions(_Step):
    """The Secretariat asks agencies for opinions, each with a deadline."""

    step: Literal["request_opinions"] = "request_opinions"
    letter: SourceDocument
    requests: tuple[OpinionRequest, ...] = Field(min_length=1)


class GiveOpinion(_Step):
    """An agency's opinion; a later one from the same agency supersedes the earlier."""

    step: Literal["opinion"] = "opinion"
    agency: AgencyCode
    letter: SourceDocument
    stance: Stance
    remarks: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _remarks_match_stance(self) -> GiveOpinion:
        if self.stance is Stance.CONCUR_WITH_REMARKS and not self.remarks:
            raise ValueError("an opinion that concurs with remarks must give the remarks")
        return self


class Amend(_Step):
    """The proposer adds or replaces items; the Deputy PM must approve it."""

    step: Literal["amend"] = "amend"
    letter: SourceDocument
    items: tuple[Clause, ...] = Field(min_length=1)


class RequestReview(_Step):
    """The Secretariat asks chosen agencies to review their opinions after an amendment."""

    step: Literal["request_review"] = "request_review"
    letter: SourceDocument
    requests: tuple[OpinionRequest, ...] = Field(min_length=1)


class ExtendDeadline(_Step):
    step: Literal["extend"] = "extend"
    agency: AgencyCode
    due: ThaiDate
    reason: Text | None = None


class ProceedWithout(_Step):
    """The Secretariat goes on without an agency's outstanding opinion."""

    step: Literal["proceed_without"] = "proceed_without"
    agency: AgencyCode
    reason: Text


class RemindOpinion(_Step):
    """Recorded by the engine when an opinion's reminder timer fires."""

    step: Literal["remind"] = "remind"
    agency: AgencyCode
    due: ThaiDate


class EscalateOverdue(_Step):
    """Recorded by the engine when an opinion's deadline passes unanswered."""

    step: Literal["escalate"] = "escalate"
    agency: AgencyCode
    due: ThaiDate


class Schedule(_Step):
    """The Secretariat places the proposal on a cabinet meeting's agenda."""

    step: Literal["schedule"] = "schedule"
    meeting_date: ThaiDate
    agenda_item: Line | None = None


class Decide(_Step):
    """The cabinet's decision, recorded by the Secretariat."""

    step: Literal["decide"] = "decide"
    outcome: Outcome
    meeting_date: ThaiDate
    approved_items: tuple[ClauseNo, ...] | None = None
    """Items approved; ``None`` means all of them."""
    modifications: tuple[Clause, ...] = ()
    """Items approved in a modified form (replacing the proposed item of that number)."""
    directives: tuple[Clause, ...] = ()
    """Items the cabinet adds, such as a direction to act on an agency's opinion."""
    next_meeting: ThaiDate | None = None
    reasons: Text | None = None

    @model_validator(mode="after")
    def _fits_outcome(self) -> Decide:
        if self.outcome is Outcome.DEFERRED:
            if self.next_meeting is None:
                raise ValueError("a deferred decision needs next_meeting")
            if self.next_meeting <= self.meeting_date:
                raise ValueError("next_meeting must come after meeting_date")
        elif self.next_meeting is not None:
            raise ValueError("next_meeting is only for a deferred decision")
        if self.outcome is Outcome.APPROVED_WITH_MODIFICATIONS and not (
            self.modifications or self.approved_items is not None
        ):
            raise ValueError("approved_with_modifications needs modifications or approved_items")
        return self


class Reschedule(_Step):
    """Recorded by the engine when a deferred proposal's next meeting day arrives."""

    step: Literal["reschedule"] = "reschedule"
    meeting_date: ThaiDate


class Notify(_Step):
    """The Secretariat's circular notifying the resolution."""

    step: Literal["notify"] = "notify"
    circular: SourceDocument
    recipients: tuple[Line, ...] = Field(min_length=1)


class Withdraw(_Step):
    """The proposer withdraws before the cabinet decides."""

    step: Literal["withdraw"] = "withdraw"
    letter: SourceDocument
    reason: Text | None = None


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
    | Withdraw,
    Field(discriminator="step"),
]
