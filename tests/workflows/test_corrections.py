"""Corrections through the workflow on the real dev server: a meeting moved, the proposal
taken off the agenda and scheduled again, a mistyped letter number corrected; a deadline
already past refused; opinions dated by their deadline never shown overdue.

Status comes from the register's views (``projections.queries.proposals``), as the
``proposal status`` command reads it.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidInput, NotPermitted
from domain.permissions import Actor
from domain.process.steps import (
    CorrectDocument,
    OpinionRequest,
    RequestOpinions,
    RescheduleMeeting,
    Schedule,
    Unschedule,
)
from domain.values import DocumentKind, SourceDocument
from projections.queries import proposals
from tests.workflows.driving import DECIDE, SCHEDULE, drive

SOC = Actor.parse("SOC:staff")
MEETING = date(2021, 11, 9)


def soc_memo(number: str, day: date) -> SourceDocument:
    return SourceDocument(kind=DocumentKind.MEMO, number=number, date=day, issuer="SOC")


async def test_staff_correct_their_slips_and_the_register_shows_both(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, SCHEDULE + 1)

    # The engine escalated every request at once (its 2021 deadlines are long past), but
    # each opinion is dated before its deadline: none is overdue.
    system.catch_up()
    status = proposals.status(system, workflow_id)
    assert [(o.agency, o.overdue) for o in status.opinions] == [
        ("MOI", False), ("NESDC", False), ("PMDU", False)]

    moved = await desk.act(workflow_id, RescheduleMeeting(
        meeting_date=date(2021, 11, 16), document=soc_memo("นร 0505/71", date(2021, 11, 8)),
        reason="typed the wrong meeting"), SOC)
    assert moved.next_to_act == "SOC: record the decision of 2021-11-16"
    off = await desk.act(workflow_id, Unschedule(
        document=soc_memo("นร 0505/72", date(2021, 11, 8)), reason="not this week"), SOC)
    assert off.stage == "consulting"

    with pytest.raises(InvalidInput) as past:
        await desk.act(workflow_id, RequestOpinions(
            letter=SourceDocument(kind=DocumentKind.LETTER, number="นร 0507/73",
                                  date=date(2021, 11, 8), issuer="SOC"),
            requests=(OpinionRequest(agency="OAG", due=date(2021, 11, 20)),)), SOC)
    assert past.value.field == "requests[0].due"

    moi = next(d for d in system.register.proposal(workflow_id).state.documents
               if d.party == "MOI")
    fix = CorrectDocument(step_version=moi.version, reason="as the attachment list has it",
                          corrected=moi.document.model_copy(update={"number": "มท 0228/14688"}))
    with pytest.raises(NotPermitted):
        await desk.act(workflow_id, fix, SOC)
    await desk.act(workflow_id, fix, Actor.parse("MOI:staff"))

    await desk.act(workflow_id, Schedule(meeting_date=MEETING), SOC)
    for taken in proposal.steps[DECIDE:]:
        await desk.act(workflow_id, taken.step, taken.actor)
    assert (await desk.outcome(workflow_id)).outcome == "approved"

    system.catch_up()
    status = proposals.status(system, workflow_id)
    history_by_version = {h.version: h for h in status.history}
    assert history_by_version[moi.version].note.startswith(moi.document.describe())
    assert "มท 0228/14688" in (history_by_version[moi.version].correction or "")
    steps = [(h.step, h.actor) for h in status.history]
    assert ("reschedule_meeting", "SOC:staff") in steps
    assert ("unschedule", "SOC:staff") in steps
    assert ("correct_document", "MOI:staff") in steps
    unscheduled = next(h for h in status.history if h.step == "unschedule")
    assert "not this week" in unscheduled.note and "นร 0505/72" in unscheduled.note
    moi_opinion = next(o for o in status.opinions if o.agency == "MOI")
    assert moi_opinion.letter == "มท 0228/14688"
    assert (status.stage, status.meeting_date) == ("closed", "2021-11-09")
