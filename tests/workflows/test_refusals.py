"""A refused step changes nothing: not the register, not the workflow, not its status.

Each test drives the reference case (on the session's dev server) to the
point where someone tries a step they may not take. The attempt must fail
with the register's own error and a reason; the proposal's aggregate, the
workflow's history and its status stay as they were; and the only thing
written anywhere is the refusal log's entry for the attempt.

The case's opinion deadlines (2021) are long past on the dev server's real
clock, so the engine escalates them as soon as they are requested; the tests
wait for that before looking (``settled``).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.errors import ClauseNotFound, NotPermitted, WrongStage
from domain.ids import refusals_id
from domain.permissions import Actor
from domain.process.proposal import RefusalLog
from domain.process.steps import Decide, GiveOpinion
from domain.values import Clause, RescissionTarget, ResolutionRef
from tests.workflows.driving import (
    APPROVE,
    DECIDE,
    ENDORSE,
    NESDC_OPINION,
    REQUEST_OPINIONS,
    SCHEDULE,
    SUBMIT,
    Trace,
    drive,
    settled,
    topics_since,
    trace,
)

REFUSAL_TOPICS = [get_topic(RefusalLog.Opened), get_topic(RefusalLog.AttemptRefused)]

def refusals(system, workflow_id: str) -> list[RefusalLog.AttemptRefused]:
    return [e for e in system.register.history(refusals_id(workflow_id))
            if isinstance(e, RefusalLog.AttemptRefused)]


def assert_nothing_but_the_refusal_changed(system, before: Trace, after: Trace) -> None:
    assert after.version == before.version
    assert topics_since(system, before) == REFUSAL_TOPICS
    assert after.status == before.status


def assert_one_refusal(system, workflow_id: str, *, actor: str, step: str,
                       reason: str) -> RefusalLog.AttemptRefused:
    log = system.register.repository.get(refusals_id(workflow_id))
    assert len(log.attempt_ids) == 1
    (refusal,) = refusals(system, workflow_id)
    assert refusal.actor == actor
    assert refusal.step == step
    assert reason in refusal.reason
    return refusal


# --- the wrong person --------------------------------------------------------------------


async def test_pmdu_staff_cannot_give_nesdcs_opinion(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, REQUEST_OPINIONS + 1)
    await settled(desk, workflow_id)
    nesdc_opinion = proposal.steps[NESDC_OPINION].step
    assert isinstance(nesdc_opinion, GiveOpinion)
    before = await trace(desk, system, workflow_id)

    with pytest.raises(NotPermitted, match="only NESDC may give NESDC's opinion; "
                                            "PMDU:staff may not"):
        await desk.act(workflow_id, nesdc_opinion, Actor.parse("PMDU:staff"))

    after = await trace(desk, system, workflow_id)
    assert_nothing_but_the_refusal_changed(system, before, after)
    assert after.updates == before.updates
    refusal = assert_one_refusal(system, workflow_id, actor="PMDU:staff", step="opinion",
                                 reason="only NESDC may give NESDC's opinion")
    assert refusal.field == "actor"


async def test_only_soc_records_the_cabinets_decision(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, SCHEDULE + 1)
    await settled(desk, workflow_id)
    before = await trace(desk, system, workflow_id)

    with pytest.raises(NotPermitted, match="only SOC may record the cabinet's decision"):
        await desk.act(workflow_id, proposal.steps[DECIDE].step, Actor.parse("OPDC:head"))

    after = await trace(desk, system, workflow_id)
    assert_nothing_but_the_refusal_changed(system, before, after)
    assert after.updates == before.updates
    assert after.status.stage == "scheduled"
    assert_one_refusal(system, workflow_id, actor="OPDC:head", step="decide",
                       reason="only SOC may record the cabinet's decision")


async def test_only_the_pm_approves_at_the_pms_step(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, ENDORSE + 1)
    before = await trace(desk, system, workflow_id)

    with pytest.raises(NotPermitted, match="only PM may approve submission to the cabinet"):
        await desk.act(workflow_id, proposal.steps[APPROVE].step, Actor.parse("DPM:head"))

    after = await trace(desk, system, workflow_id)
    assert_nothing_but_the_refusal_changed(system, before, after)
    assert after.updates == before.updates
    assert after.status.next_to_act == "PM: approve for submission"
    assert_one_refusal(system, workflow_id, actor="DPM:head", step="approve",
                       reason="only PM may approve submission")


# --- the wrong moment --------------------------------------------------------------------


async def test_soc_cannot_schedule_a_proposal_not_yet_submitted(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, APPROVE + 1)
    before = await trace(desk, system, workflow_id)

    with pytest.raises(WrongStage, match="cannot schedule while the proposal is "
                                          "approved_for_submission"):
        await desk.act(workflow_id, proposal.steps[SCHEDULE].step, Actor.parse("SOC:staff"))

    after = await trace(desk, system, workflow_id)
    assert_nothing_but_the_refusal_changed(system, before, after)
    assert after.updates == before.updates
    assert after.status.stage == "approved_for_submission"
    refusal = assert_one_refusal(system, workflow_id, actor="SOC:staff", step="schedule",
                                 reason="cannot schedule")
    assert refusal.field == "stage"


# --- a malformed payload -----------------------------------------------------------------


@pytest.mark.parametrize(("payload", "complaint"), [
    pytest.param({"agency": "NESDC", "stance": "concur"},
                 r"step\.letter\s+Field required", id="no-letter"),
    pytest.param({"agency": "NESDC", "stance": "concur_with_remarks",
                  "letter": {"kind": "letter", "number": "นร 1112/6090", "date": "2021-10-18",
                             "issuer": "NESDC"}},
                 "an opinion that concurs with remarks must give the remarks",
                 id="remarks-missing"),
])
async def test_a_malformed_opinion_is_rejected_and_the_workflow_carries_on(
        desk, system, history, payload, complaint):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, REQUEST_OPINIONS + 1)
    await settled(desk, workflow_id)
    handle = desk.client.get_workflow_handle(workflow_id)
    before = await trace(desk, system, workflow_id)

    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(
            "opinion", {"actor": "NESDC:head", "step": {"step": "opinion", **payload}})

    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert re.search(complaint, cause.message)
    after = await trace(desk, system, workflow_id)
    assert after.version == before.version
    assert topics_since(system, before) == []  # sent past the desk: not even a refusal
    assert after.updates == before.updates
    assert after.status == before.status

    taken = await desk.act(workflow_id, proposal.steps[NESDC_OPINION].step,
                           proposal.steps[NESDC_OPINION].actor)
    assert taken.recorded is True
    nesdc = next(o for o in (await desk.status(workflow_id)).opinions if o.agency == "NESDC")
    assert nesdc.status == "received"


# --- refused by the register, inside the activity ------------------------------------------


async def test_a_decision_rescinding_a_clause_that_does_not_exist_is_refused(
        desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, SCHEDULE + 1)
    await settled(desk, workflow_id)
    decision = proposal.steps[DECIDE].step
    assert isinstance(decision, Decide)
    rescinds_clause_9 = Clause(
        number="5", summary="Rescind clause 9 of the resolution of 12 Jan 2016",
        rescinds=(RescissionTarget(
            resolution=ResolutionRef(date=date(2016, 1, 12), subject="กลไกประชารัฐ"),
            clauses=("9",)),))
    wrong = Decide(outcome=decision.outcome, meeting_date=decision.meeting_date,
                   directives=(*decision.directives, rescinds_clause_9))
    soc = proposal.steps[DECIDE].actor
    before = await trace(desk, system, workflow_id)

    with pytest.raises(ClauseNotFound, match="has no clause 9"):
        await desk.act(workflow_id, wrong, soc, username="somchai")

    after = await trace(desk, system, workflow_id)
    assert_nothing_but_the_refusal_changed(system, before, after)
    # The validator let it through; the register refused it in the local activity.
    assert after.updates - before.updates == Counter({
        "workflow_execution_update_accepted_event_attributes": 1,
        "workflow_execution_update_completed_event_attributes": 1})
    assert after.status.stage == "scheduled"
    assert system.register.proposal(workflow_id).state.stage.value == "scheduled"
    kept = assert_one_refusal(system, workflow_id, actor=str(soc), step="decide",
                              reason="has no clause 9")
    assert kept.username == "somchai"  # the account that sent it, carried to the activity

    decided = await desk.act(workflow_id, decision, soc)
    assert decided.stage == "decided"


async def test_a_proposal_nobody_got_wrong_has_no_refusal_log(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, SUBMIT + 1)

    with pytest.raises(AggregateNotFoundError):
        system.register.repository.get(refusals_id(workflow_id))
