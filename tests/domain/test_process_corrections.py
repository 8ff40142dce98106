"""Corrections without overwrites, and the dates a step's documents and deadlines may carry.

On the library's in-memory store: the reference case walked step by step, then
a slip corrected. Each correction is a step of its own (document, actor,
reason); what was first recorded stays in the proposal's record beside it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from domain.errors import InvalidInput, NotPermitted, WrongStage
from domain.permissions import Actor
from domain.process import rules as process
from domain.process.steps import (
    CorrectDocument,
    Decide,
    EscalateOverdue,
    GiveOpinion,
    Outcome,
    Reschedule,
    RescheduleMeeting,
    Schedule,
    Stance,
    Unschedule,
)
from domain.register.application import Register
from domain.register.records import ImportFile, ProposalRecord
from domain.values import DocumentKind, SourceDocument
from tests.support.in_memory import take_steps, with_history

CASE = ImportFile.model_validate(yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "examples" / "emenscr-2021.yaml").read_text()))
PROPOSAL: ProposalRecord = CASE.proposals[0]
INDEX = {name: next(i for i, t in enumerate(PROPOSAL.steps) if t.step.step == name)
         for name in ("approve", "request_opinions", "opinion", "schedule", "decide")}
MEETING = date(2021, 11, 9)
SOC = Actor.parse("SOC:staff")
ENGINE = Actor.parse("SOC:system")


@pytest.fixture
def register() -> Register:
    """The register on the library's in-memory store, with the case's earlier resolutions."""
    return with_history(CASE.resolutions)


def walk(register: Register, until: int | None = None) -> str:
    """Take the case's steps (up to, not including, ``until``); the proposal's workflow id."""
    return take_steps(register, PROPOSAL, until)


def soc_memo(number: str, day: date) -> SourceDocument:
    return SourceDocument(kind=DocumentKind.MEMO, number=number, date=day, issuer="SOC")


def state_of(register: Register, workflow_id: str) -> process.ProposalState:
    return register.proposal(workflow_id).state


# --- rescheduling and unscheduling -------------------------------------------------------


def test_a_mistyped_meeting_day_is_moved_and_the_decision_follows_the_new_day(register):
    workflow_id = walk(register, INDEX["decide"])
    typo = Schedule(meeting_date=date(2021, 11, 19))
    register.take_step(workflow_id, RescheduleMeeting(
        meeting_date=typo.meeting_date, document=soc_memo("นร 0505/1", date(2021, 11, 5)),
        reason="first move"), SOC, step_id="move-1", today=date(2021, 11, 5))
    assert state_of(register, workflow_id).meeting_date == date(2021, 11, 19)

    register.take_step(workflow_id, RescheduleMeeting(
        meeting_date=MEETING, document=soc_memo("นร 0505/2", date(2021, 11, 8)),
        reason="the 19th was a typing slip"), SOC, step_id="move-2", today=date(2021, 11, 8))
    decide = PROPOSAL.steps[INDEX["decide"]]
    register.take_step(workflow_id, decide.step, decide.actor, step_id="decide",
                       today=MEETING)

    state = state_of(register, workflow_id)
    assert (state.stage, state.outcome) == (process.Stage.DECIDED, "approved")
    names = [type(e).__name__ for e in register.history(register.proposal(workflow_id).id)]
    assert names[-3:] == ["MeetingRescheduled", "MeetingRescheduled", "Decided"]


def test_only_the_secretariat_moves_a_meeting(register):
    workflow_id = walk(register, INDEX["decide"])
    move = RescheduleMeeting(meeting_date=date(2021, 11, 16),
                             document=soc_memo("นร 0505/3", date(2021, 11, 5)), reason="x")
    with pytest.raises(NotPermitted, match="only SOC may move the proposal"):
        register.take_step(workflow_id, move, Actor.parse("OPDC:head"), step_id="opdc")
    with pytest.raises(InvalidInput) as same:
        register.take_step(workflow_id, move.model_copy(update={"meeting_date": MEETING}),
                           SOC, step_id="same")
    assert same.value.field == "meeting_date"


def test_an_unscheduled_proposal_goes_back_to_the_secretariat_and_can_be_scheduled_again(
        register):
    workflow_id = walk(register, INDEX["decide"])
    register.take_step(workflow_id, Unschedule(
        document=soc_memo("นร 0505/4", date(2021, 11, 5)), reason="placed on the wrong agenda"),
        SOC, step_id="off", today=date(2021, 11, 5))

    state = state_of(register, workflow_id)
    assert (state.stage, state.meeting_date) == (process.Stage.CONSULTING, None)
    assert process.next_to_act(state) == "SOC: schedule (or request a review)"
    with pytest.raises(WrongStage):
        register.take_step(workflow_id, PROPOSAL.steps[INDEX["decide"]].step, SOC,
                           step_id="too-soon")
    register.take_step(workflow_id, Schedule(meeting_date=date(2021, 11, 16)), SOC,
                       step_id="again")
    assert state_of(register, workflow_id).stage is process.Stage.SCHEDULED


def test_a_deferred_matter_moved_to_another_day_comes_back_on_that_day(register):
    workflow_id = walk(register, INDEX["decide"])
    register.take_step(workflow_id, Decide(outcome=Outcome.DEFERRED, meeting_date=MEETING,
                                           next_meeting=date(2021, 11, 30)), SOC,
                       step_id="defer")
    register.take_step(workflow_id, RescheduleMeeting(
        meeting_date=date(2021, 11, 16), document=soc_memo("นร 0505/5", MEETING),
        reason="the cabinet said next week"), SOC, step_id="move")

    state = state_of(register, workflow_id)
    assert (state.stage, state.meeting_date) == (process.Stage.DEFERRED, date(2021, 11, 16))
    with pytest.raises(InvalidInput, match="not the meeting the matter was deferred to"):
        register.take_step(workflow_id, Reschedule(meeting_date=date(2021, 11, 30)), ENGINE,
                           step_id="engine:old")
    with pytest.raises(WrongStage):
        register.take_step(workflow_id, Unschedule(document=soc_memo("นร 0505/6", MEETING),
                                                   reason="x"), SOC, step_id="off")


# --- correcting a document on record ----------------------------------------------------------


def test_a_mistyped_letter_number_is_corrected_and_the_first_record_kept(register):
    workflow_id = walk(register)
    moi = next(d for d in state_of(register, workflow_id).documents if d.party == "MOI")
    as_typed = moi.document
    real = as_typed.model_copy(update={"number": "มท ๐๒๒๘/๑๔๖๘๘"})

    register.take_step(workflow_id, CorrectDocument(
        step_version=moi.version, corrected=real, reason="the attachment list's number"),
        Actor.parse("MOI:staff"), step_id="fix", today=date(2021, 11, 12))

    state = state_of(register, workflow_id)
    fixed = state.document_at(moi.version)
    assert fixed is not None
    assert (fixed.document, fixed.current) == (as_typed, real)
    assert fixed.corrections[0].version == state.steps_taken
    assert fixed.corrections[0].reason == "the attachment list's number"
    slot = state.slot("MOI")
    assert slot is not None and slot.current is not None
    assert slot.current.letter == real


def test_only_the_agency_that_took_the_step_corrects_its_document(register):
    workflow_id = walk(register)
    moi = next(d for d in state_of(register, workflow_id).documents if d.party == "MOI")
    fix = CorrectDocument(step_version=moi.version, reason="slip", corrected=(
        moi.document.model_copy(update={"number": "มท ๐๒๒๘/๑๔๖๘๘"})))

    with pytest.raises(NotPermitted, match="only MOI may correct MOI's document"):
        register.take_step(workflow_id, fix, SOC, step_id="soc")
    schedule_version = INDEX["schedule"] + 1
    with pytest.raises(InvalidInput) as none:
        register.take_step(workflow_id, fix.model_copy(update={
            "step_version": schedule_version}), SOC, step_id="none")
    assert none.value.field == "step_version"
    ahead = fix.corrected.model_copy(update={"date": date(2021, 12, 1)})
    with pytest.raises(InvalidInput) as future:
        register.take_step(workflow_id, fix.model_copy(update={"corrected": ahead}),
                           Actor.parse("MOI:staff"), step_id="future", today=date(2021, 11, 12))
    assert future.value.field == "corrected.date"


# --- dates: nothing from the future, nothing before the step it follows -------------------


def test_a_document_dated_after_the_acting_day_is_refused(register):
    workflow_id = walk(register, INDEX["request_opinions"])
    request = PROPOSAL.steps[INDEX["request_opinions"]].step
    with pytest.raises(InvalidInput) as refused:
        register.take_step(workflow_id, request, SOC, step_id="early",
                           today=request.letter.date - timedelta(days=1))
    assert refused.value.field == "letter.date"


def test_a_document_dated_before_the_step_it_follows_is_refused(register):
    workflow_id = walk(register, INDEX["approve"])
    approve = PROPOSAL.steps[INDEX["approve"]]
    endorsed_on = approve.step.document.date - timedelta(days=1)
    backdated = approve.step.model_copy(update={"document": approve.step.document.model_copy(
        update={"date": endorsed_on - timedelta(days=1)})})
    with pytest.raises(InvalidInput, match="before the endorse it follows") as refused:
        register.take_step(workflow_id, backdated, approve.actor, step_id="backdated")
    assert refused.value.field == "document.date"


def test_a_request_whose_deadline_has_passed_needs_the_flag(register):
    workflow_id = walk(register, INDEX["request_opinions"])
    request = PROPOSAL.steps[INDEX["request_opinions"]].step
    late = date(2021, 10, 25)
    with pytest.raises(InvalidInput, match="allow_past_deadline") as refused:
        register.take_step(workflow_id, request.model_copy(update={
            "allow_past_deadline": False}), SOC, step_id="late", today=late)
    assert refused.value.field == "requests[0].due"

    register.take_step(workflow_id, request.model_copy(update={"allow_past_deadline": True}),
                       SOC, step_id="flagged", today=late)
    assert state_of(register, workflow_id).stage is process.Stage.CONSULTING


# --- overdue: an opinion dated by its deadline is in time ------------------------------------


def test_an_opinion_dated_by_its_deadline_is_not_overdue_though_escalated_first(register):
    workflow_id = walk(register, INDEX["opinion"])
    slot = state_of(register, workflow_id).slot("MOI")
    assert slot is not None
    register.take_step(workflow_id, EscalateOverdue(agency="MOI", due=slot.due), ENGINE,
                       step_id="engine:escalate")
    assert state_of(register, workflow_id).slot("MOI").overdue is True

    register.take_step(workflow_id, PROPOSAL.steps[INDEX["opinion"]].step,
                       Actor.parse("MOI:head"), step_id="timely")
    assert state_of(register, workflow_id).slot("MOI").overdue is False


def test_an_opinion_dated_after_its_deadline_stays_overdue(register):
    workflow_id = walk(register, INDEX["opinion"])
    slot = state_of(register, workflow_id).slot("NESDC")
    assert slot is not None
    register.take_step(workflow_id, EscalateOverdue(agency="NESDC", due=slot.due), ENGINE,
                       step_id="engine:escalate")
    late = GiveOpinion(agency="NESDC", stance=Stance.CONCUR, letter=SourceDocument(
        kind="letter", number="นร 1112/7000", date=slot.due + timedelta(days=3),
        issuer="NESDC"))
    register.take_step(workflow_id, late, Actor.parse("NESDC:head"), step_id="late")
    assert state_of(register, workflow_id).slot("NESDC").overdue is True
