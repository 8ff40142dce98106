"""The steps the proposer's side signs: draft, endorse, approve, submit, amend, withdraw."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from domain import permissions
from domain.errors import WrongStage
from domain.paperwork.fields import Line, Text
from domain.permissions import Actor
from domain.process.declaration import (
    ProcessStep,
    check_unique_numbers,
    refuse_future,
    require_stage,
)
from domain.process.stages import BEFORE_DECISION, OPEN, Stage, merge_items
from domain.values import AgencyCode, Clause, SourceDocument

if TYPE_CHECKING:
    from domain.process.state import ProposalState


class Draft(ProcessStep):
    """The proposing agency's memo to the PM through the supervising Deputy PM."""

    step: Literal["draft"] = "draft"
    proposer: AgencyCode
    """The proposing agency's code (the acting agency if not given)."""
    supervisor: AgencyCode = "DPM"
    """The supervising Deputy PM's code."""
    title: Line
    memo: SourceDocument
    items: tuple[Clause, ...] = Field(min_length=1)
    """The proposed items."""

    event_name: ClassVar[str] = "Drafted"
    doing: ClassVar[str] = "draft"
    document_kind: ClassVar[str] = "memo"

    def check_draft(self, actor: Actor, today: date | None = None) -> None:
        """A draft starts a proposal, so it has no state to be checked against."""
        permissions.check(self.step, actor, party_agency=self.proposer)
        check_unique_numbers(self.items, "items")
        refuse_future(self.memo, today, "memo")

    def check(self, state: ProposalState, actor: Actor, today: date | None, *,
              dates: bool = True) -> None:
        raise WrongStage("the proposal is already drafted", field="step")


class Endorse(ProcessStep):
    """The Deputy PM endorses the proposal, or approves an amendment to it."""

    step: Literal["endorse"] = "endorse"
    document: SourceDocument
    remarks: Text | None = None

    event_name: ClassVar[str] = "Endorsed"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.DRAFTED, *OPEN, Stage.AMENDMENT_PENDING)
    doing: ClassVar[str] = "endorse"
    document_kind: ClassVar[str] = "memo"

    def check_stage(self, state: ProposalState) -> None:
        if state.stage in (Stage.DRAFTED, Stage.AMENDMENT_PENDING):
            return
        require_stage(state, self.stages, self.doing)
        if state.amendment_endorsement is not None:
            raise WrongStage("an endorsement of an amendment is already waiting for the "
                             "amendment", field="stage")

    def evolve(self, state: ProposalState) -> ProposalState:
        if state.stage is Stage.DRAFTED:
            return state.model_copy(update={"stage": Stage.ENDORSED})
        if state.stage is Stage.AMENDMENT_PENDING:
            assert state.pending_amendment is not None
            return state.pending_amendment.applied(state)
        # Endorsed ahead of the amendment it approves: the amendment applies on arrival.
        return state.model_copy(update={"amendment_endorsement": self.document})


class Approve(ProcessStep):
    """The PM approves submitting the matter to the cabinet."""

    step: Literal["approve"] = "approve"
    document: SourceDocument

    event_name: ClassVar[str] = "ApprovedForSubmission"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.ENDORSED,)
    doing: ClassVar[str] = "approve for submission"
    document_kind: ClassVar[str] = "annotation"

    def evolve(self, state: ProposalState) -> ProposalState:
        return state.model_copy(update={"stage": Stage.APPROVED})


class Submit(ProcessStep):
    """The proposer's formal letter to the Secretariat."""

    step: Literal["submit"] = "submit"
    letter: SourceDocument
    legal_basis: Text | None = None
    """The law or rule the matter goes to the cabinet under."""
    urgent: bool = False
    """The letter asks for the matter to be taken urgently."""

    event_name: ClassVar[str] = "Submitted"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.APPROVED,)
    doing: ClassVar[str] = "submit"

    def evolve(self, state: ProposalState) -> ProposalState:
        return state.model_copy(update={"stage": Stage.SUBMITTED})


class Amend(ProcessStep):
    """The proposer adds or replaces items; the Deputy PM must approve it."""

    step: Literal["amend"] = "amend"
    letter: SourceDocument
    items: tuple[Clause, ...] = Field(min_length=1)
    """The items added, or replacing the proposed item of the same number."""

    event_name: ClassVar[str] = "Amended"
    stages: ClassVar[tuple[Stage, ...]] = OPEN
    doing: ClassVar[str] = "amend"

    def check_more(self, state: ProposalState, today: date | None) -> None:
        check_unique_numbers(self.items, "items")

    def evolve(self, state: ProposalState) -> ProposalState:
        if state.amendment_endorsement is not None:
            return self.applied(state)
        return state.model_copy(update={"pending_amendment": self,
                                        "stage": Stage.AMENDMENT_PENDING})

    def applied(self, state: ProposalState) -> ProposalState:
        """The state once the Deputy PM has endorsed this amendment."""
        return state.model_copy(update={
            "items": merge_items(state.items, self.items),
            "amendments": state.amendments + 1,
            "amendment_endorsement": None,
            "pending_amendment": None,
            "stage": Stage.CONSULTING if state.slots else Stage.SUBMITTED,
        })


class Withdraw(ProcessStep):
    """The proposer withdraws before the cabinet decides."""

    step: Literal["withdraw"] = "withdraw"
    letter: SourceDocument
    reason: Text | None = None

    event_name: ClassVar[str] = "Withdrawn"
    stages: ClassVar[tuple[Stage, ...]] = BEFORE_DECISION
    doing: ClassVar[str] = "withdraw"

    def evolve(self, state: ProposalState) -> ProposalState:
        return state.model_copy(update={"stage": Stage.CLOSED, "outcome": "withdrawn"})
