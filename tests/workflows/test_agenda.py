"""The way to the cabinet's agenda: going on without an opinion, and a deferral.

A deferred matter waits on a durable timer for its next meeting, and the
engine (``SOC:system``) puts it back on the agenda that day, once.
(The office and its clock: tests/workflows/office.py.)
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import WrongStage
from domain.process.proposal import Proposal
from domain.process.steps import (
    Decide,
    Notify,
    Outcome,
    ProceedWithout,
    Schedule,
)
from domain.values import DocumentKind
from tests.workflows.office import (
    DAY,
    ENGINE,
    MOI,
    SOC,
    bangkok,
    letter,
    opinion_of,
)

# --- going on without an opinion -----------------------------------------------------------


async def test_scheduling_waits_until_soc_goes_on_without_the_missing_opinion(office):
    asked = await office.consulting("MOI", "NESDC")
    late = asked.due + 2 * DAY
    await office.advance_to(bangkok(late, 10))
    await office.act(asked.workflow_id, opinion_of("MOI", "มท 0228/2", late), MOI)
    meeting = Schedule(meeting_date=late + 7 * DAY)

    with pytest.raises(WrongStage, match="opinions are outstanding from NESDC;"):
        await office.act(asked.workflow_id, meeting, SOC)
    assert await office.stage(asked.workflow_id) == "consulting"

    await office.act(asked.workflow_id, ProceedWithout(
        agency="NESDC", reason="no reply two days after the deadline"), SOC)
    assert (await office.opinion(asked.workflow_id, "NESDC")).status == "waived"

    scheduled = await office.act(asked.workflow_id, meeting, SOC)
    assert scheduled.stage == "scheduled"
    tally = office.tally(asked.workflow_id)
    assert tally["WentOnWithout"] == 1
    assert tally["Scheduled"] == 1


# --- deferral ----------------------------------------------------------------------------


async def test_a_deferred_decision_waits_for_the_next_meeting(office):
    workflow_id, today = await office.submitted()
    meeting = today + 7 * DAY
    next_meeting = meeting + 14 * DAY
    await office.act(workflow_id, Schedule(meeting_date=meeting), SOC)

    with pytest.raises(WrongStage, match=f"meeting of {meeting.isoformat()} has not happened"):
        await office.act(workflow_id, Decide(outcome=Outcome.APPROVED, meeting_date=meeting),
                         SOC)

    await office.advance_to(bangkok(meeting, 10))
    deferred = await office.act(workflow_id, Decide(
        outcome=Outcome.DEFERRED, meeting_date=meeting, next_meeting=next_meeting,
        reasons="the cabinet asked for the fiscal figures"), SOC)
    assert deferred.stage == "deferred"

    approve_at_next_meeting = Decide(outcome=Outcome.APPROVED, meeting_date=next_meeting)
    await office.advance_to(bangkok(meeting + DAY, 10))
    with pytest.raises(WrongStage, match="deferred the matter to its meeting of"):
        await office.act(workflow_id, approve_at_next_meeting, SOC)

    await office.advance_to(bangkok(next_meeting) - timedelta(minutes=1))
    assert office.events(workflow_id, Proposal.Rescheduled) == []
    assert await office.stage(workflow_id) == "deferred"

    await office.advance_to(bangkok(next_meeting, 0, 1))
    rescheduled = office.events(workflow_id, Proposal.Rescheduled)
    assert [str(r.actor) for r in rescheduled] == [ENGINE]
    assert [r.step.meeting_date for r in rescheduled] == [next_meeting]
    assert await office.stage(workflow_id) == "scheduled"

    await office.advance_to(bangkok(next_meeting, 10))
    decided = await office.act(workflow_id, approve_at_next_meeting, SOC)
    assert decided.stage == "decided"
    await office.advance_to(bangkok(next_meeting + 2 * DAY, 10))  # the circular's own day
    await office.act(workflow_id, Notify(
        circular=letter("SOC", "นร 0505/ว 1", next_meeting + 2 * DAY, DocumentKind.CIRCULAR),
        recipients=("all ministries",)), SOC)

    outcome = await office.desk.outcome(workflow_id)
    assert outcome.outcome == "approved"
    assert outcome.meeting_date == next_meeting
    tally = office.tally(workflow_id)
    assert tally["Scheduled"] == 1
    assert tally["Decided"] == 2
    assert tally["Rescheduled"] == 1
