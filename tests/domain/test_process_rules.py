"""The proposal's rules on the library's in-memory store: when a step may be taken, what it
changes, and the events that record it. No database and no engine: milliseconds.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from domain.errors import NotPermitted, WrongStage
from domain.permissions import Actor
from domain.process import rules as process
from domain.process.proposal import EVENT_FOR, Proposal
from domain.process.steps import (
    TAKEN_STEPS,
    Decide,
    Outcome,
    ProceedWithout,
    Reschedule,
    Schedule,
)
from domain.register.application import Register
from domain.register.records import ImportFile, ProposalRecord
from tests.support.in_memory import take_steps, with_history
from tests.support.proposal_scenes import scenes

CASE = ImportFile.model_validate(yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "examples" / "emenscr-2021.yaml").read_text()))
SCENES = scenes(CASE)
PROPOSAL: ProposalRecord = CASE.proposals[0]
SCHEDULE = next(i for i, t in enumerate(PROPOSAL.steps) if t.step.step == "schedule")
ENGINE = Actor.parse("SOC:system")
SECRETARIAT = Actor.parse("SOC:staff")


@pytest.fixture
def register() -> Register:
    """The register on the library's in-memory store, with the case's earlier resolutions."""
    return with_history(CASE.resolutions)


def walk(register: Register, until: int | None = None) -> str:
    """Take the case's steps (up to, not including, ``until``); the proposal's workflow id."""
    return take_steps(register, PROPOSAL, until)


# --- when: every step outside its stages --------------------------------------------------


@pytest.mark.parametrize(("step", "stage"), [
    (name, stage) for name, stage in itertools.product(TAKEN_STEPS, process.Stage)
    if stage not in TAKEN_STEPS[name].stages])
def test_a_step_is_refused_outside_the_stages_it_declares(step, stage):
    scene = SCENES[step]
    elsewhere = scene.state.model_copy(update={"stage": stage})

    with pytest.raises(WrongStage) as refused:
        process.check(elsewhere, scene.step, scene.actor)
    assert refused.value.field == "stage"


def test_a_draft_is_taken_once():
    scene = SCENES["draft"]
    with pytest.raises(WrongStage, match="already drafted"):
        process.check(scene.state, scene.step, scene.actor)


# --- the events: one per step, named as the stored ones ------------------------------------


def test_each_step_is_recorded_by_the_event_it_declares_under_its_pinned_topic():
    assert {t.event_name for t in TAKEN_STEPS.values()} == {
        "Endorsed", "ApprovedForSubmission", "Submitted", "OpinionsRequested", "OpinionGiven",
        "Amended", "ReviewRequested", "DeadlineExtended", "WentOnWithout", "ReminderIssued",
        "OverdueEscalated", "Scheduled", "Decided", "Rescheduled", "Notified", "Withdrawn",
        "MeetingRescheduled", "Unscheduled", "DocumentCorrected"}
    for step_type in TAKEN_STEPS.values():
        event = EVENT_FOR[step_type]
        assert getattr(Proposal, step_type.event_name) is event
        assert f"domain.proposal:Proposal.{step_type.event_name}" == event.TOPIC
        assert event.model_fields["step"].annotation is step_type


def test_the_case_is_recorded_step_by_step_and_closes(register):
    workflow_id = walk(register)

    proposal = register.proposal(workflow_id)
    assert proposal.state.stage is process.Stage.CLOSED
    assert proposal.state.outcome == "approved"
    assert [type(e).__name__ for e in register.history(proposal.id)] == [
        "Drafted", "Endorsed", "ApprovedForSubmission", "Submitted", "OpinionsRequested",
        "OpinionGiven", "OpinionGiven", "OpinionGiven", "Endorsed", "Amended",
        "ReviewRequested", "OpinionGiven", "Scheduled", "Decided", "Notified"]


def test_a_step_sent_again_with_its_id_is_recorded_once(register):
    workflow_id = walk(register, SCHEDULE + 1)
    taken = PROPOSAL.steps[SCHEDULE]

    again = register.take_step(workflow_id, taken.step, taken.actor,
                               step_id=PROPOSAL.step_id(SCHEDULE))

    assert again is False
    assert register.proposal(workflow_id).version == SCHEDULE + 1


def test_a_refused_step_changes_nothing(register):
    workflow_id = walk(register, SCHEDULE)
    before = register.proposal(workflow_id).version

    with pytest.raises(NotPermitted, match="only SOC may place the proposal on the agenda"):
        register.take_step(workflow_id, PROPOSAL.steps[SCHEDULE].step,
                           Actor.parse("OPDC:head"), step_id="wrong-hands")

    assert register.proposal(workflow_id).version == before


# --- what a step changes: the paths the case does not take -----------------------------------


def test_a_deferred_matter_returns_to_the_agenda_only_by_the_engine(register):
    workflow_id = walk(register, SCHEDULE + 1)
    meeting = register.proposal(workflow_id).state.meeting_date
    assert meeting is not None
    deferral = Decide(outcome=Outcome.DEFERRED, meeting_date=meeting,
                      next_meeting=meeting + timedelta(days=7))
    register.take_step(workflow_id, deferral, SECRETARIAT, step_id="defer")
    assert register.proposal(workflow_id).state.stage is process.Stage.DEFERRED
    back = Reschedule(meeting_date=deferral.next_meeting)

    with pytest.raises(NotPermitted, match="is for the role system"):
        register.take_step(workflow_id, back, SECRETARIAT, step_id="by-hand")
    register.take_step(workflow_id, back, ENGINE, step_id="engine:reschedule")

    state = register.proposal(workflow_id).state
    assert (state.stage, state.meeting_date) == (process.Stage.SCHEDULED,
                                                deferral.next_meeting)


def test_going_on_without_an_opinion_lets_the_secretariat_schedule(register):
    opinions = next(i for i, t in enumerate(PROPOSAL.steps) if t.step.step == "opinion")
    workflow_id = walk(register, opinions)
    waiting = [s.agency for s in register.proposal(workflow_id).state.pending]
    meeting = PROPOSAL.steps[SCHEDULE].step
    assert isinstance(meeting, Schedule)
    with pytest.raises(WrongStage, match="opinions are outstanding"):
        register.take_step(workflow_id, meeting, SECRETARIAT, step_id="too-soon")

    for agency in waiting:
        register.take_step(workflow_id, ProceedWithout(agency=agency, reason="no answer"),
                           SECRETARIAT, step_id=f"without:{agency}")
    register.take_step(workflow_id, meeting, SECRETARIAT, step_id="schedule")

    state = register.proposal(workflow_id).state
    assert {s.status for s in state.slots} == {process.SlotStatus.WAIVED}
    assert state.stage is process.Stage.SCHEDULED


def test_a_withdrawn_proposal_is_closed_and_takes_no_more_steps(register):
    workflow_id = walk(register, 1)
    scene = SCENES["withdraw"]

    register.take_step(workflow_id, scene.step, scene.actor, step_id="withdraw")

    state = register.proposal(workflow_id).state
    assert (state.stage, state.outcome) == (process.Stage.CLOSED, "withdrawn")
    endorse = PROPOSAL.steps[1]
    with pytest.raises(WrongStage, match="cannot endorse while the proposal is closed"):
        register.take_step(workflow_id, endorse.step, endorse.actor, step_id="late")
