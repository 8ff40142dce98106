"""The steps of asking agencies for their opinions, and the engine's deadline steps."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from domain.errors import InvalidInput, WrongStage
from domain.paperwork.fields import Text, ThaiDate
from domain.process.declaration import ProcessStep, pending_slot, with_slot
from domain.process.stages import OPEN, OpinionRecord, OpinionSlot, SlotStatus, Stage, Stance
from domain.values import AgencyCode, SourceDocument

if TYPE_CHECKING:
    from domain.process.state import ProposalState


class OpinionRequest(BaseModel):
    """An agency asked for its opinion, and by when."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    agency: AgencyCode
    due: ThaiDate


class _Requesting(ProcessStep):
    """A request for opinions, each with a deadline: the two requests share their rules."""

    letter: SourceDocument
    requests: tuple[OpinionRequest, ...] = Field(min_length=1)
    """The agencies asked and each one's deadline."""
    allow_past_deadline: bool = False
    """Accept a deadline already past on the acting day (entering an old request late)."""

    @model_serializer(mode="wrap")
    def _flag_only_when_set(self, handler: SerializerFunctionWrapHandler,
                            info: SerializationInfo) -> dict[str, object]:
        # Left out unless set, so a step written before the flag existed dumps (and
        # an import file's step ids hash) exactly as it did.
        data: dict[str, object] = handler(self)
        if not self.allow_past_deadline:
            data.pop("allow_past_deadline", None)
        return data

    def check_dates(self, state: ProposalState, today: date | None) -> None:
        super().check_dates(state, today)
        if today is None or self.allow_past_deadline:
            return
        for i, request in enumerate(self.requests):
            if request.due < today:
                raise InvalidInput(
                    f"the deadline {request.due.isoformat()} has already passed (today is "
                    f"{today.isoformat()}); set allow_past_deadline to enter it anyway",
                    field=f"requests[{i}].due")


def _check_requests(state: ProposalState, requests: tuple[OpinionRequest, ...],
                    letter: SourceDocument) -> None:
    seen: set[str] = set()
    for i, request in enumerate(requests):
        where = f"requests[{i}]"
        if request.agency in seen:
            raise InvalidInput(f"{request.agency} is asked twice", field=f"{where}.agency")
        seen.add(request.agency)
        if request.agency == state.proposer:
            raise InvalidInput("the proposer is not asked for an opinion on its own proposal",
                               field=f"{where}.agency")
        if request.due < letter.date:
            raise InvalidInput(
                f"the deadline {request.due.isoformat()} is before the request letter's date "
                f"{letter.date.isoformat()}", field=f"{where}.due")


class RequestOpinions(_Requesting):
    """The Secretariat asks agencies for opinions, each with a deadline."""

    step: Literal["request_opinions"] = "request_opinions"

    event_name: ClassVar[str] = "OpinionsRequested"
    stages: ClassVar[tuple[Stage, ...]] = OPEN
    doing: ClassVar[str] = "request opinions"

    def check_more(self, state: ProposalState, today: date | None) -> None:
        _check_requests(state, self.requests, self.letter)
        for i, request in enumerate(self.requests):
            if state.slot(request.agency) is not None:
                raise InvalidInput(
                    f"{request.agency} was already asked; use request_review for a revised "
                    "opinion", field=f"requests[{i}].agency")

    def evolve(self, state: ProposalState) -> ProposalState:
        new = tuple(OpinionSlot(agency=r.agency, requested_by=self.letter, due=r.due)
                    for r in self.requests)
        return state.model_copy(update={"slots": state.slots + new, "stage": Stage.CONSULTING})


class GiveOpinion(ProcessStep):
    """An agency's opinion; a later one from the same agency supersedes the earlier."""

    step: Literal["opinion"] = "opinion"
    agency: AgencyCode
    """Whose opinion (default: the acting agency)."""
    letter: SourceDocument
    stance: Stance
    remarks: tuple[Text, ...] = ()

    event_name: ClassVar[str] = "OpinionGiven"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.CONSULTING,)
    doing: ClassVar[str] = "give an opinion"

    @model_validator(mode="after")
    def _remarks_match_stance(self) -> GiveOpinion:
        if self.stance is Stance.CONCUR_WITH_REMARKS and not self.remarks:
            raise ValueError("an opinion that concurs with remarks must give the remarks")
        return self

    def check_more(self, state: ProposalState, today: date | None) -> None:
        slot = state.slot(self.agency)
        if slot is None:
            raise WrongStage(f"the Secretariat has not asked {self.agency} for an opinion",
                             field="agency")
        if slot.status is SlotStatus.RECEIVED:
            raise WrongStage(
                f"{self.agency}'s opinion is already recorded; a revised opinion needs the "
                "Secretariat's request for review", field="agency")
        if slot.status is SlotStatus.WAIVED:
            raise WrongStage(f"the Secretariat went on without {self.agency}'s opinion",
                             field="agency")
        if self.letter.date < slot.requested_by.date:
            raise InvalidInput("the opinion letter is dated before the request for it",
                               field="letter.date")

    def evolve(self, state: ProposalState) -> ProposalState:
        slot = state.slot(self.agency)
        assert slot is not None
        previous = slot.current
        record = OpinionRecord(letter=self.letter, stance=self.stance, remarks=self.remarks,
                               supersedes=previous.letter.number if previous else None)
        # An opinion dated on or before its deadline was given in time, even if it
        # reached the register after the engine had escalated it.
        return with_slot(state, slot.model_copy(update={
            "status": SlotStatus.RECEIVED, "opinions": (*slot.opinions, record),
            "overdue": slot.overdue and self.letter.date > slot.due}))


class RequestReview(_Requesting):
    """The Secretariat asks chosen agencies to review their opinions after an amendment."""

    step: Literal["request_review"] = "request_review"

    event_name: ClassVar[str] = "ReviewRequested"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.CONSULTING,)
    doing: ClassVar[str] = "request a review"

    def check_more(self, state: ProposalState, today: date | None) -> None:
        if state.amendments == 0:
            raise WrongStage("a review of opinions follows an amendment; none was made",
                             field="stage")
        _check_requests(state, self.requests, self.letter)
        for i, request in enumerate(self.requests):
            slot = state.slot(request.agency)
            if slot is None or slot.status is not SlotStatus.RECEIVED:
                raise InvalidInput(f"{request.agency} has no opinion on record to review",
                                   field=f"requests[{i}].agency")

    def evolve(self, state: ProposalState) -> ProposalState:
        for r in self.requests:
            slot = state.slot(r.agency)
            assert slot is not None
            state = with_slot(state, slot.model_copy(update={
                "status": SlotStatus.PENDING, "requested_by": self.letter, "due": r.due,
                "review": True, "reminded": False, "overdue": False}))
        return state


class ExtendDeadline(ProcessStep):
    """The Secretariat gives an agency more time for its opinion."""

    step: Literal["extend"] = "extend"
    agency: AgencyCode
    due: ThaiDate
    reason: Text | None = None

    event_name: ClassVar[str] = "DeadlineExtended"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.CONSULTING,)
    doing: ClassVar[str] = "extend a deadline"

    def check_more(self, state: ProposalState, today: date | None) -> None:
        slot = pending_slot(state, self.agency, "extend the deadline")
        if self.due <= slot.due:
            raise InvalidInput(f"the new deadline must be after {slot.due.isoformat()}",
                               field="due")

    def evolve(self, state: ProposalState) -> ProposalState:
        slot = state.slot(self.agency)
        assert slot is not None
        return with_slot(state, slot.model_copy(update={
            "due": self.due, "reminded": False, "overdue": False}))


class ProceedWithout(ProcessStep):
    """The Secretariat goes on without an agency's outstanding opinion."""

    step: Literal["proceed_without"] = "proceed_without"
    agency: AgencyCode
    reason: Text

    event_name: ClassVar[str] = "WentOnWithout"
    stages: ClassVar[tuple[Stage, ...]] = (Stage.CONSULTING,)
    doing: ClassVar[str] = "go on without an opinion"

    def check_more(self, state: ProposalState, today: date | None) -> None:
        pending_slot(state, self.agency, "go on without it")

    def evolve(self, state: ProposalState) -> ProposalState:
        slot = state.slot(self.agency)
        assert slot is not None
        return with_slot(state, slot.model_copy(update={"status": SlotStatus.WAIVED}))


class _DeadlineTimer(ProcessStep):
    """A step the engine records when a timer on an opinion's deadline fires."""

    agency: AgencyCode
    due: ThaiDate

    stages: ClassVar[tuple[Stage, ...]] = (Stage.CONSULTING, Stage.AMENDMENT_PENDING)
    doing: ClassVar[str] = "record a deadline event"
    flag: ClassVar[str]
    """The slot's flag the timer sets."""

    def check_more(self, state: ProposalState, today: date | None) -> None:
        slot = pending_slot(state, self.agency, self.doing)
        if slot.due != self.due:
            raise WrongStage(f"{self.agency}'s deadline is now {slot.due.isoformat()}",
                             field="due")

    def evolve(self, state: ProposalState) -> ProposalState:
        slot = state.slot(self.agency)
        assert slot is not None
        return with_slot(state, slot.model_copy(update={self.flag: True}))


class RemindOpinion(_DeadlineTimer):
    """Recorded by the engine when an opinion's reminder timer fires."""

    step: Literal["remind"] = "remind"

    event_name: ClassVar[str] = "ReminderIssued"
    flag: ClassVar[str] = "reminded"


class EscalateOverdue(_DeadlineTimer):
    """Recorded by the engine when an opinion's deadline passes unanswered."""

    step: Literal["escalate"] = "escalate"

    event_name: ClassVar[str] = "OverdueEscalated"
    flag: ClassVar[str] = "overdue"
