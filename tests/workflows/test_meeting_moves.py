"""A deferred matter whose next meeting was mistyped, moved by the Secretariat: the engine
brings it back on the day it was moved to, not on the mistyped one (time-skipping server)."""

from __future__ import annotations

from domain.process.proposal import Proposal
from domain.process.steps import Decide, Outcome, RescheduleMeeting, Schedule
from domain.values import DocumentKind
from tests.workflows.office import DAY, SOC, bangkok, letter


async def test_a_deferral_moved_to_another_day_wakes_on_that_day(office):
    workflow_id, today = await office.submitted()
    meeting = today + 2 * DAY
    await office.act(workflow_id, Schedule(meeting_date=meeting), SOC)
    await office.advance_to(bangkok(meeting, 10))
    typo, meant = meeting + 14 * DAY, meeting + 7 * DAY
    await office.act(workflow_id, Decide(outcome=Outcome.DEFERRED, meeting_date=meeting,
                                         next_meeting=typo), SOC)

    await office.act(workflow_id, RescheduleMeeting(
        meeting_date=meant, document=letter("SOC", "นร 0505/81", meeting, DocumentKind.MEMO),
        reason="the cabinet deferred it by one week"), SOC)
    assert await office.stage(workflow_id) == "deferred"

    await office.advance_to(bangkok(meant - DAY, 23, 59))
    assert office.events(workflow_id, Proposal.Rescheduled) == []
    await office.advance_to(bangkok(meant, 0, 1))
    back = office.events(workflow_id, Proposal.Rescheduled)
    assert [e.step.meeting_date for e in back] == [meant]
    assert await office.stage(workflow_id) == "scheduled"

    await office.advance_to(bangkok(typo, 0, 1))  # nothing wakes on the mistyped day
    assert office.tally(workflow_id)["Rescheduled"] == 1
    assert office.tally(workflow_id)["MeetingRescheduled"] == 1


async def test_moving_a_scheduled_meeting_starts_no_timer(office):
    workflow_id, today = await office.submitted()
    await office.act(workflow_id, Schedule(meeting_date=today + 7 * DAY), SOC)
    await office.act(workflow_id, RescheduleMeeting(
        meeting_date=today + 14 * DAY, document=letter("SOC", "นร 0505/82", today,
                                                       DocumentKind.MEMO),
        reason="moved a week"), SOC)

    await office.advance_to(bangkok(today + 20 * DAY))
    assert await office.stage(workflow_id) == "scheduled"
    assert office.tally(workflow_id)["Rescheduled"] == 0
