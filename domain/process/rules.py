"""Who may take which step of a proposal, and when; and what each step changes.

Pure and deterministic: the register's Proposal aggregate and the Temporal
workflow both call ``check`` then ``evolve``, so the rules exist once.
``today`` is the acting clock (the workflow's time); the register passes
``None`` when it records history whose timing was settled long ago.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.errors import InvalidInput, NotPermitted, WrongStage
from domain.permissions import Actor, Role
from domain.process.steps import (
    Amend,
    Approve,
    Decide,
    Draft,
    Endorse,
    EscalateOverdue,
    ExtendDeadline,
    GiveOpinion,
    Notify,
    OpinionRequest,
    Outcome,
    ProceedWithout,
    RemindOpinion,
    RequestOpinions,
    RequestReview,
    Reschedule,
    Schedule,
    Stance,
    Step,
    Submit,
    Withdraw,
)
from domain.values import Clause, SourceDocument

SECRETARIAT = "SOC"
PRIME_MINISTER = "PM"


class Stage(StrEnum):
    DRAFTED = "drafted"
    ENDORSED = "endorsed"
    APPROVED = "approved_for_submission"
    SUBMITTED = "submitted"
    CONSULTING = "consulting"
    AMENDMENT_PENDING = "amendment_pending"
    SCHEDULED = "scheduled"
    DEFERRED = "deferred"
    DECIDED = "decided"
    CLOSED = "closed"


class SlotStatus(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    WAIVED = "waived"


class OpinionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    letter: SourceDocument
    stance: Stance
    remarks: tuple[str, ...] = ()
    supersedes: str | None = None


class OpinionSlot(BaseModel):
    """One agency's opinion request: its deadline, status and the opinions given."""

    model_config = ConfigDict(frozen=True)

    agency: str
    requested_by: SourceDocument
    due: date
    status: SlotStatus = SlotStatus.PENDING
    reminded: bool = False
    overdue: bool = False
    review: bool = False
    opinions: tuple[OpinionRecord, ...] = ()

    @property
    def current(self) -> OpinionRecord | None:
        return self.opinions[-1] if self.opinions else None


class ProposalState(BaseModel):
    model_config = ConfigDict(frozen=True)

    proposer: str
    supervisor: str
    title: str
    memo: SourceDocument
    stage: Stage = Stage.DRAFTED
    items: tuple[Clause, ...]
    slots: tuple[OpinionSlot, ...] = ()
    amendments: int = 0
    amendment_endorsement: SourceDocument | None = None
    pending_amendment: Amend | None = None
    meeting_date: date | None = None
    outcome: str | None = None
    circular: SourceDocument | None = None

    def slot(self, agency: str) -> OpinionSlot | None:
        return next((s for s in self.slots if s.agency == agency), None)

    @property
    def pending(self) -> tuple[OpinionSlot, ...]:
        return tuple(s for s in self.slots if s.status is SlotStatus.PENDING)


# --- who may act -----------------------------------------------------------------


def _require(actor: Actor, agency: str, what: str, *, roles: tuple[Role, ...] = ()) -> None:
    if actor.agency != agency:
        raise NotPermitted(f"only {agency} may {what}; {actor} may not", field="actor")
    if actor.role is Role.AUDITOR:
        raise NotPermitted("auditors only read the register", field="actor")
    if actor.role is Role.SYSTEM and Role.SYSTEM not in roles:
        raise NotPermitted(f"{what} is a staff action, not the engine's", field="actor")
    if roles and actor.role not in roles:
        raise NotPermitted(f"{what} is for the role {roles[0].value}, not {actor.role.value}",
                           field="actor")


def _require_stage(state: ProposalState, allowed: tuple[Stage, ...], what: str) -> None:
    if state.stage not in allowed:
        raise WrongStage(
            f"cannot {what} while the proposal is {state.stage.value}; "
            f"allowed when {', '.join(s.value for s in allowed)}",
            field="stage",
        )


_OPEN = (Stage.SUBMITTED, Stage.CONSULTING)
_BEFORE_DECISION = (
    Stage.DRAFTED, Stage.ENDORSED, Stage.APPROVED, Stage.SUBMITTED, Stage.CONSULTING,
    Stage.AMENDMENT_PENDING, Stage.SCHEDULED, Stage.DEFERRED,
)


def check_draft(step: Draft, actor: Actor) -> None:
    _require(actor, step.proposer, "draft this proposal")
    _check_unique_numbers(step.items, "items")


def check(state: ProposalState, step: Step, actor: Actor, today: date | None = None) -> None:
    """Raise if ``actor`` may not take ``step`` now; return quietly if they may."""
    if isinstance(step, Draft):
        raise WrongStage("the proposal is already drafted", field="step")
    checker = _CHECKS[type(step)]
    checker(state, step, actor, today)


def _check_endorse(state: ProposalState, step: Endorse, actor: Actor, today: date | None) -> None:
    _require(actor, state.supervisor, "endorse for the supervising Deputy PM")
    if state.stage is Stage.DRAFTED or state.stage is Stage.AMENDMENT_PENDING:
        return
    _require_stage(state, (Stage.DRAFTED, *_OPEN, Stage.AMENDMENT_PENDING), "endorse")
    if state.amendment_endorsement is not None:
        raise WrongStage("an endorsement of an amendment is already waiting for the amendment",
                         field="stage")


def _check_approve(state: ProposalState, step: Approve, actor: Actor, today: date | None) -> None:
    _require(actor, PRIME_MINISTER, "approve submission to the cabinet")
    _require_stage(state, (Stage.ENDORSED,), "approve for submission")


def _check_submit(state: ProposalState, step: Submit, actor: Actor, today: date | None) -> None:
    _require(actor, state.proposer, "submit the proposal to the Secretariat")
    _require_stage(state, (Stage.APPROVED,), "submit")


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


def _check_request_opinions(state: ProposalState, step: RequestOpinions, actor: Actor,
                            today: date | None) -> None:
    _require(actor, SECRETARIAT, "request opinions")
    _require_stage(state, _OPEN, "request opinions")
    _check_requests(state, step.requests, step.letter)
    for i, request in enumerate(step.requests):
        if state.slot(request.agency) is not None:
            raise InvalidInput(
                f"{request.agency} was already asked; use request_review for a revised opinion",
                field=f"requests[{i}].agency")


def _check_opinion(state: ProposalState, step: GiveOpinion, actor: Actor,
                   today: date | None) -> None:
    _require(actor, step.agency, f"give {step.agency}'s opinion")
    _require_stage(state, (Stage.CONSULTING,), "give an opinion")
    slot = state.slot(step.agency)
    if slot is None:
        raise WrongStage(f"the Secretariat has not asked {step.agency} for an opinion",
                         field="agency")
    if slot.status is SlotStatus.RECEIVED:
        raise WrongStage(
            f"{step.agency}'s opinion is already recorded; a revised opinion needs the "
            "Secretariat's request for review", field="agency")
    if slot.status is SlotStatus.WAIVED:
        raise WrongStage(f"the Secretariat went on without {step.agency}'s opinion",
                         field="agency")
    if step.letter.date < slot.requested_by.date:
        raise InvalidInput("the opinion letter is dated before the request for it",
                           field="letter.date")


def _check_amend(state: ProposalState, step: Amend, actor: Actor, today: date | None) -> None:
    _require(actor, state.proposer, "amend the proposal")
    _require_stage(state, _OPEN, "amend")
    _check_unique_numbers(step.items, "items")


def _check_request_review(state: ProposalState, step: RequestReview, actor: Actor,
                          today: date | None) -> None:
    _require(actor, SECRETARIAT, "request a review of opinions")
    _require_stage(state, (Stage.CONSULTING,), "request a review")
    if state.amendments == 0:
        raise WrongStage("a review of opinions follows an amendment; none was made",
                         field="stage")
    _check_requests(state, step.requests, step.letter)
    for i, request in enumerate(step.requests):
        slot = state.slot(request.agency)
        if slot is None or slot.status is not SlotStatus.RECEIVED:
            raise InvalidInput(f"{request.agency} has no opinion on record to review",
                               field=f"requests[{i}].agency")


def _pending_slot(state: ProposalState, agency: str, what: str) -> OpinionSlot:
    slot = state.slot(agency)
    if slot is None or slot.status is not SlotStatus.PENDING:
        raise WrongStage(f"cannot {what}: no opinion is outstanding from {agency}",
                         field="agency")
    return slot


def _check_extend(state: ProposalState, step: ExtendDeadline, actor: Actor,
                  today: date | None) -> None:
    _require(actor, SECRETARIAT, "extend an opinion's deadline")
    _require_stage(state, (Stage.CONSULTING,), "extend a deadline")
    slot = _pending_slot(state, step.agency, "extend the deadline")
    if step.due <= slot.due:
        raise InvalidInput(f"the new deadline must be after {slot.due.isoformat()}", field="due")


def _check_proceed(state: ProposalState, step: ProceedWithout, actor: Actor,
                   today: date | None) -> None:
    _require(actor, SECRETARIAT, "go on without an opinion")
    _require_stage(state, (Stage.CONSULTING,), "go on without an opinion")
    _pending_slot(state, step.agency, "go on without it")


def _check_timer(state: ProposalState, step: RemindOpinion | EscalateOverdue, actor: Actor,
                 today: date | None) -> None:
    _require(actor, SECRETARIAT, "record a deadline event", roles=(Role.SYSTEM,))
    _require_stage(state, (Stage.CONSULTING, Stage.AMENDMENT_PENDING), "record a deadline event")
    slot = _pending_slot(state, step.agency, "record a deadline event")
    if slot.due != step.due:
        raise WrongStage(f"{step.agency}'s deadline is now {slot.due.isoformat()}", field="due")


def _check_schedule(state: ProposalState, step: Schedule, actor: Actor, today: date | None) -> None:
    _require(actor, SECRETARIAT, "place the proposal on the agenda")
    _require_stage(state, _OPEN, "schedule")
    if state.pending:
        waiting = ", ".join(s.agency for s in state.pending)
        raise WrongStage(
            f"opinions are outstanding from {waiting}; record them, extend, or go on without",
            field="stage")


def _check_decide(state: ProposalState, step: Decide, actor: Actor, today: date | None) -> None:
    _require(actor, SECRETARIAT, "record the cabinet's decision")
    if state.stage is Stage.DEFERRED:
        assert state.meeting_date is not None
        raise WrongStage(
            f"the cabinet deferred the matter to its meeting of {state.meeting_date.isoformat()}",
            field="stage")
    _require_stage(state, (Stage.SCHEDULED,), "record a decision")
    if step.meeting_date != state.meeting_date:
        assert state.meeting_date is not None
        raise InvalidInput(
            f"the proposal is on the agenda of {state.meeting_date.isoformat()}, "
            f"not {step.meeting_date.isoformat()}", field="meeting_date")
    if today is not None and today < step.meeting_date:
        raise WrongStage(f"the meeting of {step.meeting_date.isoformat()} has not happened yet",
                         field="meeting_date")
    numbers = {c.number for c in state.items}
    for i, number in enumerate(step.approved_items or ()):
        if number not in numbers:
            raise InvalidInput(f"the proposal has no item {number}", field=f"approved_items[{i}]")
    for i, clause in enumerate(step.modifications):
        if clause.number not in numbers:
            raise InvalidInput(f"the proposal has no item {clause.number} to modify",
                               field=f"modifications[{i}].number")
    for i, clause in enumerate(step.directives):
        if clause.number in numbers:
            raise InvalidInput(f"item {clause.number} is already a proposed item",
                               field=f"directives[{i}].number")


def _check_reschedule(state: ProposalState, step: Reschedule, actor: Actor,
                      today: date | None) -> None:
    _require(actor, SECRETARIAT, "put a deferred proposal back on the agenda",
             roles=(Role.SYSTEM,))
    _require_stage(state, (Stage.DEFERRED,), "reschedule")
    if step.meeting_date != state.meeting_date:
        raise InvalidInput("that is not the meeting the matter was deferred to",
                           field="meeting_date")


def _check_notify(state: ProposalState, step: Notify, actor: Actor, today: date | None) -> None:
    _require(actor, SECRETARIAT, "notify the resolution")
    _require_stage(state, (Stage.DECIDED,), "notify")
    assert state.meeting_date is not None
    if step.circular.date < state.meeting_date:
        raise InvalidInput("the circular is dated before the meeting", field="circular.date")


def _check_withdraw(state: ProposalState, step: Withdraw, actor: Actor, today: date | None) -> None:
    _require(actor, state.proposer, "withdraw the proposal")
    _require_stage(state, _BEFORE_DECISION, "withdraw")


def _check_unique_numbers(items: tuple[Clause, ...], field: str) -> None:
    seen: set[str] = set()
    for i, clause in enumerate(items):
        if clause.number in seen:
            raise InvalidInput(f"item {clause.number} appears twice", field=f"{field}[{i}].number")
        seen.add(clause.number)


_CHECKS: dict[type, Callable[[ProposalState, Any, Actor, date | None], None]] = {
    Endorse: _check_endorse,
    Approve: _check_approve,
    Submit: _check_submit,
    RequestOpinions: _check_request_opinions,
    GiveOpinion: _check_opinion,
    Amend: _check_amend,
    RequestReview: _check_request_review,
    ExtendDeadline: _check_extend,
    ProceedWithout: _check_proceed,
    RemindOpinion: _check_timer,
    EscalateOverdue: _check_timer,
    Schedule: _check_schedule,
    Decide: _check_decide,
    Reschedule: _check_reschedule,
    Notify: _check_notify,
    Withdraw: _check_withdraw,
}


# --- what each step changes ------------------------------------------------------


def start(step: Draft) -> ProposalState:
    return ProposalState(
        proposer=step.proposer, supervisor=step.supervisor, title=step.title,
        memo=step.memo, items=step.items,
    )


def _merge_items(items: tuple[Clause, ...], changes: tuple[Clause, ...]) -> tuple[Clause, ...]:
    by_number = {c.number: c for c in items}
    by_number.update({c.number: c for c in changes})
    return tuple(sorted(by_number.values(), key=lambda c: clause_sort_key(c.number)))


def clause_sort_key(number: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in number.split("."))


def _replace_slot(state: ProposalState, slot: OpinionSlot) -> tuple[OpinionSlot, ...]:
    return tuple(slot if s.agency == slot.agency else s for s in state.slots)


def _apply_amendment(state: ProposalState, amend: Amend) -> ProposalState:
    return state.model_copy(update={
        "items": _merge_items(state.items, amend.items),
        "amendments": state.amendments + 1,
        "amendment_endorsement": None,
        "pending_amendment": None,
        "stage": Stage.CONSULTING if state.slots else Stage.SUBMITTED,
    })


def evolve(state: ProposalState, step: Step) -> ProposalState:
    """The state after ``step``; call ``check`` first."""
    match step:
        case Endorse():
            if state.stage is Stage.DRAFTED:
                return state.model_copy(update={"stage": Stage.ENDORSED})
            if state.stage is Stage.AMENDMENT_PENDING:
                assert state.pending_amendment is not None
                return _apply_amendment(state, state.pending_amendment)
            return state.model_copy(update={"amendment_endorsement": step.document})
        case Approve():
            return state.model_copy(update={"stage": Stage.APPROVED})
        case Submit():
            return state.model_copy(update={"stage": Stage.SUBMITTED})
        case RequestOpinions():
            new = tuple(OpinionSlot(agency=r.agency, requested_by=step.letter, due=r.due)
                        for r in step.requests)
            return state.model_copy(update={"slots": state.slots + new,
                                            "stage": Stage.CONSULTING})
        case GiveOpinion():
            slot = state.slot(step.agency)
            assert slot is not None
            previous = slot.current
            record = OpinionRecord(
                letter=step.letter, stance=step.stance, remarks=step.remarks,
                supersedes=previous.letter.number if previous else None)
            slot = slot.model_copy(update={"status": SlotStatus.RECEIVED,
                                           "opinions": (*slot.opinions, record)})
            return state.model_copy(update={"slots": _replace_slot(state, slot)})
        case Amend():
            if state.amendment_endorsement is not None:
                return _apply_amendment(state, step)
            return state.model_copy(update={"pending_amendment": step,
                                            "stage": Stage.AMENDMENT_PENDING})
        case RequestReview():
            slots = state.slots
            for r in step.requests:
                slot = state.slot(r.agency)
                assert slot is not None
                slot = slot.model_copy(update={
                    "status": SlotStatus.PENDING, "requested_by": step.letter, "due": r.due,
                    "review": True, "reminded": False, "overdue": False})
                slots = tuple(slot if s.agency == r.agency else s for s in slots)
            return state.model_copy(update={"slots": slots})
        case ExtendDeadline():
            slot = state.slot(step.agency)
            assert slot is not None
            slot = slot.model_copy(update={"due": step.due, "reminded": False, "overdue": False})
            return state.model_copy(update={"slots": _replace_slot(state, slot)})
        case ProceedWithout():
            slot = state.slot(step.agency)
            assert slot is not None
            slot = slot.model_copy(update={"status": SlotStatus.WAIVED})
            return state.model_copy(update={"slots": _replace_slot(state, slot)})
        case RemindOpinion() | EscalateOverdue():
            slot = state.slot(step.agency)
            assert slot is not None
            flag = "reminded" if isinstance(step, RemindOpinion) else "overdue"
            slot = slot.model_copy(update={flag: True})
            return state.model_copy(update={"slots": _replace_slot(state, slot)})
        case Schedule():
            return state.model_copy(update={"stage": Stage.SCHEDULED,
                                            "meeting_date": step.meeting_date})
        case Decide():
            return _decided(state, step)
        case Reschedule():
            return state.model_copy(update={"stage": Stage.SCHEDULED})
        case Notify():
            return state.model_copy(update={"stage": Stage.CLOSED, "circular": step.circular})
        case Withdraw():
            return state.model_copy(update={"stage": Stage.CLOSED, "outcome": "withdrawn"})
    raise TypeError(f"unknown step {step!r}")  # pragma: no cover


def _decided(state: ProposalState, step: Decide) -> ProposalState:
    if step.outcome is Outcome.DEFERRED:
        return state.model_copy(update={"stage": Stage.DEFERRED,
                                        "meeting_date": step.next_meeting})
    if step.outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_MODIFICATIONS):
        return state.model_copy(update={"stage": Stage.DECIDED, "outcome": step.outcome.value})
    return state.model_copy(update={"stage": Stage.CLOSED, "outcome": step.outcome.value})


def resolution_clauses(state: ProposalState, step: Decide) -> tuple[Clause, ...]:
    """The clauses of the resolution an approving decision makes."""
    wanted = set(step.approved_items) if step.approved_items is not None else None
    approved = tuple(c for c in state.items if wanted is None or c.number in wanted)
    return _merge_items(_merge_items(approved, step.modifications), step.directives)


def next_to_act(state: ProposalState) -> str:
    """Who must act next, in words for the status board."""
    match state.stage:
        case Stage.DRAFTED:
            return f"{state.supervisor}: endorse"
        case Stage.ENDORSED:
            return "PM: approve for submission"
        case Stage.APPROVED:
            return f"{state.proposer}: submit to SOC"
        case Stage.SUBMITTED:
            return "SOC: request opinions or schedule"
        case Stage.CONSULTING:
            if state.pending:
                return ", ".join(f"{s.agency}: opinion" for s in state.pending)
            return "SOC: schedule (or request a review)"
        case Stage.AMENDMENT_PENDING:
            return f"{state.supervisor}: endorse the amendment"
        case Stage.SCHEDULED:
            return f"SOC: record the decision of {state.meeting_date}"
        case Stage.DEFERRED:
            return f"waiting for the meeting of {state.meeting_date}"
        case Stage.DECIDED:
            return "SOC: notify the resolution"
    return "nobody: closed"
