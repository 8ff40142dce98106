"""The steps at the cabinet's table: schedule, decide, reschedule, notify."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from domain.errors import InvalidInput, WrongStage
from domain.paperwork.fields import Line, Text, ThaiDate
from domain.process.declaration import ProcessStep, require_stage
from domain.process.stages import OPEN, Outcome, Stage, merge_items
from domain.values import Clause, ClauseNo, SourceDocument

if TYPE_CHECKING:
    from domain.process.state import ProposalState

_MEETING: Mapping[str, str] = {"meeting_date": "meeting"}


class Schedule(ProcessStep):
    """The Secretariat places the proposal on a cabinet meeting's agenda."""

    step: Literal["schedule"] = "schedule"
    meeting_date: ThaiDate
    agenda_item: Line | None = None
    """The item's number on the agenda, as written."""

    event_name: ClassVar[str] = "Scheduled"
    stages: ClassVar[tuple[Stage, ...]] = OPEN
    doing: ClassVar[str] = "schedule"
    short_names: ClassVar[Mapping[str, str]] = _MEETING

    def check_more(self, state: ProposalState, today: date | None) -> None:
        if state.pending:
            waiting = ", ".join(s.agency for s in state.pending)
            raise WrongStage(
                f"opinions are outstanding from {waiting}; record them, extend, or go on "
                "without", field="stage")

    def evolve(self, state: ProposalState) -> ProposalState:
        return state.model_copy(update={"stage": Stage.SCHEDULED,
                                        "meeting_date": self.meeting_date})


class Decide(ProcessStep):
    """The cabinet's decision, recorded by the Secretariat."""

    step: Literal["decide"] = "decide"
    outcome: Outcome
    meeting_date: ThaiDate
    approved_items: tuple[ClauseNo, ...] | None = None
    """The items approved (all of them if none are named)."""
    modifications: tuple[Clause, ...] = ()
    """Items approved in a modified form (replacing the proposed item of that number)."""
    directives: tuple[Clause, ...] = ()
    """Items the cabinet adds, such as a direction to act on an agency's opinion."""
    next_meeting: ThaiDate | None = None
    reasons: Text | None = None

    event_name: ClassVar[str] = "Decided"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.SCHEDULED,)
    doing: ClassVar[str] = "record a decision"
    short_names: ClassVar[Mapping[str, str]] = {**_MEETING, "approved_items": "items"}

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

    def check_stage(self, state: ProposalState) -> None:
        if state.stage is Stage.DEFERRED:
            assert state.meeting_date is not None
            raise WrongStage(f"the cabinet deferred the matter to its meeting of "
                             f"{state.meeting_date.isoformat()}", field="stage")
        require_stage(state, self.stages, self.doing)

    def check_more(self, state: ProposalState, today: date | None) -> None:
        if self.meeting_date != state.meeting_date:
            assert state.meeting_date is not None
            raise InvalidInput(
                f"the proposal is on the agenda of {state.meeting_date.isoformat()}, "
                f"not {self.meeting_date.isoformat()}", field="meeting_date")
        if today is not None and today < self.meeting_date:
            raise WrongStage(f"the meeting of {self.meeting_date.isoformat()} has not happened "
                             "yet", field="meeting_date")
        numbers = {c.number for c in state.items}
        for i, number in enumerate(self.approved_items or ()):
            if number not in numbers:
                raise InvalidInput(f"the proposal has no item {number}",
                                   field=f"approved_items[{i}]")
        for i, clause in enumerate(self.modifications):
            if clause.number not in numbers:
                raise InvalidInput(f"the proposal has no item {clause.number} to modify",
                                   field=f"modifications[{i}].number")
        for i, clause in enumerate(self.directives):
            if clause.number in numbers:
                raise InvalidInput(f"item {clause.number} is already a proposed item",
                                   field=f"directives[{i}].number")

    def evolve(self, state: ProposalState) -> ProposalState:
        if self.outcome is Outcome.DEFERRED:
            return state.model_copy(update={"stage": Stage.DEFERRED,
                                            "meeting_date": self.next_meeting})
        stage = (Stage.DECIDED if self.outcome in (Outcome.APPROVED,
                                                   Outcome.APPROVED_WITH_MODIFICATIONS)
                 else Stage.CLOSED)
        return state.model_copy(update={"stage": stage, "outcome": self.outcome.value})

    def resolution_clauses(self, state: ProposalState) -> tuple[Clause, ...]:
        """The clauses of the resolution an approving decision makes."""
        wanted = set(self.approved_items) if self.approved_items is not None else None
        approved = tuple(c for c in state.items if wanted is None or c.number in wanted)
        return merge_items(merge_items(approved, self.modifications), self.directives)


class Reschedule(ProcessStep):
    """Recorded by the engine when a deferred proposal's next meeting day arrives."""

    step: Literal["reschedule"] = "reschedule"
    meeting_date: ThaiDate

    event_name: ClassVar[str] = "Rescheduled"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.DEFERRED,)
    doing: ClassVar[str] = "reschedule"
    short_names: ClassVar[Mapping[str, str]] = _MEETING

    def check_more(self, state: ProposalState, today: date | None) -> None:
        if self.meeting_date != state.meeting_date:
            raise InvalidInput("that is not the meeting the matter was deferred to",
                               field="meeting_date")

    def evolve(self, state: ProposalState) -> ProposalState:
        return state.model_copy(update={"stage": Stage.SCHEDULED})


class Notify(ProcessStep):
    """The Secretariat's circular notifying the resolution."""

    step: Literal["notify"] = "notify"
    circular: SourceDocument
    recipients: tuple[Line, ...] = Field(min_length=1)
    """An agency the circular goes to."""

    event_name: ClassVar[str] = "Notified"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.DECIDED,)
    doing: ClassVar[str] = "notify"
    document_kind: ClassVar[str] = "circular"

    def check_more(self, state: ProposalState, today: date | None) -> None:
        assert state.meeting_date is not None
        if self.circular.date < state.meeting_date:
            raise InvalidInput("the circular is dated before the meeting", field="circular.date")

    def evolve(self, state: ProposalState) -> ProposalState:
        return state.model_copy(update={"stage": Stage.CLOSED, "circular": self.circular})
