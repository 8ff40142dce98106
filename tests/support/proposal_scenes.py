"""One scene for every proposal step: a state it may be taken in, and the step itself.

Built from the reference case without a store: the state before each of the
case's steps, plus the steps the case never takes (extend, go on without,
remind, escalate, reschedule, withdraw, and the corrections), each placed
where it is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.permissions import Actor
from domain.process import rules as process
from domain.process.steps import (
    CorrectDocument,
    Decide,
    Draft,
    EscalateOverdue,
    ExtendDeadline,
    Outcome,
    ProceedWithout,
    RemindOpinion,
    Reschedule,
    RescheduleMeeting,
    Step,
    Unschedule,
    Withdraw,
)
from domain.register.records import ImportFile
from domain.values import DocumentKind, SourceDocument


@dataclass(frozen=True)
class Scene:
    state: process.ProposalState
    step: Step
    actor: Actor
    """Who takes the step in the case (or, for the steps it never takes, who would)."""


def scenes(case: ImportFile) -> dict[str, Scene]:
    """A scene for every step's name; the case's first occurrence of each."""
    proposal = case.proposals[0]
    draft = proposal.steps[0]
    assert isinstance(draft.step, Draft)
    found: dict[str, Scene] = {"draft": Scene(process.start(draft.step), draft.step, draft.actor)}
    state = process.start(draft.step)
    consulting = scheduled = None
    for taken in proposal.steps[1:]:
        found.setdefault(taken.step.step, Scene(state, taken.step, taken.actor))
        state = process.evolve(state, taken.step)
        if state.stage is process.Stage.CONSULTING and state.pending and consulting is None:
            consulting = state
        if state.stage is process.Stage.SCHEDULED and scheduled is None:
            scheduled = state
    assert consulting is not None and scheduled is not None
    found.update(_steps_the_case_never_takes(found["draft"].state, consulting, scheduled))
    found.update(_corrections(scheduled, state))
    return found


def _corrections(scheduled: process.ProposalState,
                 closed: process.ProposalState) -> dict[str, Scene]:
    """Moving the meeting, taking it off the agenda; correcting NESDC's first opinion letter."""
    secretariat = Actor.parse("SOC:staff")
    assert scheduled.meeting_date is not None
    memo = SourceDocument(kind=DocumentKind.MEMO, number="นร 0505/9", date=scheduled.meeting_date,
                          issuer="SOC")
    nesdc = next(d for d in closed.documents if d.party == "NESDC")
    fixed = nesdc.document.model_copy(update={"number": "นร 1112/6091"})
    return {
        "reschedule_meeting": Scene(scheduled, RescheduleMeeting(
            meeting_date=scheduled.meeting_date + timedelta(days=7), document=memo,
            reason="typed the wrong week"), secretariat),
        "unschedule": Scene(scheduled, Unschedule(document=memo, reason="not ready"),
                            secretariat),
        "correct_document": Scene(closed, CorrectDocument(
            step_version=nesdc.version, corrected=fixed, reason="a typing slip"),
            Actor.parse("NESDC:staff")),
    }


def _steps_the_case_never_takes(drafted: process.ProposalState,
                                consulting: process.ProposalState,
                                scheduled: process.ProposalState) -> dict[str, Scene]:
    slot = consulting.pending[0]
    secretariat = Actor.parse("SOC:staff")
    engine = Actor.parse("SOC:system")
    assert scheduled.meeting_date is not None
    deferral = Decide(outcome=Outcome.DEFERRED, meeting_date=scheduled.meeting_date,
                      next_meeting=scheduled.meeting_date + timedelta(days=7))
    deferred = process.evolve(scheduled, deferral)
    next_meeting = scheduled.meeting_date + timedelta(days=7)
    withdrawal = SourceDocument(kind=DocumentKind.LETTER, number="นร 1220/999",
                                date=drafted.memo.date, issuer=drafted.proposer)
    return {
        "extend": Scene(consulting, ExtendDeadline(
            agency=slot.agency, due=slot.due + timedelta(days=7)), secretariat),
        "proceed_without": Scene(consulting, ProceedWithout(
            agency=slot.agency, reason="no answer"), secretariat),
        "remind": Scene(consulting, RemindOpinion(agency=slot.agency, due=slot.due), engine),
        "escalate": Scene(consulting, EscalateOverdue(agency=slot.agency, due=slot.due), engine),
        "reschedule": Scene(deferred, Reschedule(meeting_date=next_meeting), engine),
        "withdraw": Scene(drafted, Withdraw(letter=withdrawal),
                          Actor.parse(f"{drafted.proposer}:head")),
    }
