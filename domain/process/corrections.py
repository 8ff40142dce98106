"""Corrections, never overwrites: moving a meeting, taking a proposal off the agenda, and
correcting a mistyped document on record.

Each is a step of its own, with its document, its actor and its reason, so the
history keeps what was recorded first and shows what corrected it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from domain.errors import InvalidInput
from domain.paperwork.fields import Text, ThaiDate
from domain.process.declaration import ProcessStep, refuse_earlier, refuse_future
from domain.process.stages import DocumentCorrection, DocumentOnRecord, Stage
from domain.values import SourceDocument

if TYPE_CHECKING:
    from domain.process.state import ProposalState


class RescheduleMeeting(ProcessStep):
    """The Secretariat moves the proposal to another meeting (a mistyped or changed day)."""

    step: Literal["reschedule_meeting"] = "reschedule_meeting"
    meeting_date: ThaiDate
    """The meeting the proposal now goes to."""
    document: SourceDocument
    reason: Text

    event_name: ClassVar[str] = "MeetingRescheduled"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.SCHEDULED, Stage.DEFERRED)
    doing: ClassVar[str] = "move the proposal to another meeting"
    document_kind: ClassVar[str] = "memo"
    short_names: ClassVar[Mapping[str, str]] = {"meeting_date": "meeting"}

    def check_more(self, state: ProposalState, today: date | None) -> None:
        if self.meeting_date == state.meeting_date:
            raise InvalidInput(f"the proposal is already on the agenda of "
                               f"{self.meeting_date.isoformat()}", field="meeting_date")

    def evolve(self, state: ProposalState) -> ProposalState:
        # A deferred matter stays deferred: the engine brings it back on the new day.
        return state.model_copy(update={"meeting_date": self.meeting_date})

    def describe(self) -> str:
        return (f"to the meeting of {self.meeting_date.isoformat()}, by "
                f"{self.document.describe()}: {self.reason}")


class Unschedule(ProcessStep):
    """The Secretariat takes the proposal off the agenda it was placed on."""

    step: Literal["unschedule"] = "unschedule"
    document: SourceDocument
    reason: Text

    event_name: ClassVar[str] = "Unscheduled"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.SCHEDULED,)
    doing: ClassVar[str] = "take the proposal off the agenda"
    document_kind: ClassVar[str] = "memo"

    def evolve(self, state: ProposalState) -> ProposalState:
        stage = Stage.CONSULTING if state.slots else Stage.SUBMITTED
        return state.model_copy(update={"stage": stage, "meeting_date": None})

    def describe(self) -> str:
        return f"off the agenda, by {self.document.describe()}: {self.reason}"


class CorrectDocument(ProcessStep):
    """Correct a mistyped document of a recorded step; the first record is kept beside it."""

    step: Literal["correct_document"] = "correct_document"
    step_version: int = Field(ge=1)
    """The version of the step whose document is corrected, as ``history`` numbers it."""
    corrected: SourceDocument
    """The document as it really is."""
    reason: Text

    event_name: ClassVar[str] = "DocumentCorrected"
    stages: ClassVar[tuple[Stage, ...]] = tuple(Stage)
    doing: ClassVar[str] = "correct a document"
    records_documents: ClassVar[bool] = False

    def on_record(self, state: ProposalState) -> DocumentOnRecord:
        found = state.document_at(self.step_version)
        if found is None:
            raise InvalidInput(f"step {self.step_version} of this proposal rests on no document",
                               field="step_version")
        return found

    def taken_by(self, state: ProposalState) -> str | None:
        return self.on_record(state).party

    def check_more(self, state: ProposalState, today: date | None) -> None:
        if self.corrected == self.on_record(state).current:
            raise InvalidInput("the correction changes nothing", field="corrected")

    def check_dates(self, state: ProposalState, today: date | None) -> None:
        refuse_future(self.corrected, today, "corrected")
        on_record = self.on_record(state)
        followed = state.document_at(on_record.follows) if on_record.follows else None
        if followed is not None:
            refuse_earlier(self.corrected, followed, "corrected")

    def claims(self, state: ProposalState) -> Iterator[tuple[str, SourceDocument]]:
        # A number already on record for this document stays claimed by it; only a
        # new number is claimed (the mistyped one stays, as the record of the slip).
        if self.corrected.number_key != self.on_record(state).current.number_key:
            yield "corrected", self.corrected

    def evolve(self, state: ProposalState) -> ProposalState:
        on_record = self.on_record(state)
        old, new = on_record.current, self.corrected
        fixed = on_record.model_copy(update={"corrections": (*on_record.corrections,
            DocumentCorrection(version=state.steps_taken + 1, document=new,
                               reason=self.reason))})
        documents = tuple(fixed if d is on_record else d for d in state.documents)
        # Everywhere else the state holds the old document (an opinion's letter, a
        # request, the memo, the circular), it now holds the corrected one.
        data = _replaced(state.model_dump(exclude={"documents"}), old.model_dump(),
                         new.model_dump())
        assert isinstance(data, dict)
        return type(state).model_validate({**data, "documents": documents})

    def describe(self) -> str:
        return f"step {self.step_version}'s document is {self.corrected.describe()}: {self.reason}"


def _replaced(value: object, old: dict[str, object], new: dict[str, object]) -> object:
    if value == old:
        return new
    if isinstance(value, dict):
        return {k: _replaced(v, old, new) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replaced(v, old, new) for v in value]
    return value
