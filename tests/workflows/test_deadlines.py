"""Opinion deadlines, kept by the workflow's durable timers: remind, escalate, extend.

The engine acts as ``SOC:system``. Every step it takes must land in the
register once, and only once. (The office and its clock: tests/workflows/office.py.)
"""

from __future__ import annotations

from datetime import date

from domain.process.proposal import Proposal
from domain.process.steps import (
    Amend,
    Endorse,
    ExtendDeadline,
    OpinionRequest,
    RequestReview,
)
from domain.values import Clause, DocumentKind
from projections.queries import proposals
from tests.workflows.office import (
    DAY,
    DPM,
    ENGINE,
    MOI,
    NESDC,
    OPDC,
    SOC,
    agencies_of,
    bangkok,
    letter,
    opinion_of,
)

# --- reminders ---------------------------------------------------------------------------


async def test_pending_agencies_are_reminded_three_days_before_the_deadline_at_nine(office):
    asked = await office.consulting("MOI", "NESDC")
    reminder_day = asked.due - 3 * DAY

    await office.advance_to(bangkok(reminder_day, 8, 59))
    assert office.events(asked.workflow_id, Proposal.ReminderIssued) == []
    assert (await office.opinion(asked.workflow_id, "MOI")).reminded is False

    await office.advance_to(bangkok(reminder_day, 9, 1))
    reminders = office.events(asked.workflow_id, Proposal.ReminderIssued)
    assert agencies_of(reminders) == ["MOI", "NESDC"]
    assert {str(r.actor) for r in reminders} == {ENGINE}
    assert {r.step.step for r in reminders} == {"remind"}
    assert {r.step.due for r in reminders} == {asked.due}
    assert (await office.opinion(asked.workflow_id, "MOI")).reminded is True
    assert (await office.opinion(asked.workflow_id, "NESDC")).reminded is True
    assert office.register_slot(asked.workflow_id, "MOI").reminded is True

    await office.advance_to(bangkok(asked.due, 23, 0))  # the deadline's last hour
    assert office.tally(asked.workflow_id) == {
        "Drafted": 1, "Endorsed": 1, "ApprovedForSubmission": 1, "Submitted": 1,
        "OpinionsRequested": 1, "ReminderIssued": 2}


async def test_an_agency_that_has_answered_is_neither_reminded_nor_escalated(office):
    asked = await office.consulting("MOI", "NESDC")
    answered_on = asked.asked_on + 5 * DAY
    await office.advance_to(bangkok(answered_on, 10))
    await office.act(asked.workflow_id, opinion_of("MOI", "มท 0228/1", answered_on), MOI)

    await office.advance_to(bangkok(asked.due + DAY, 0, 1))  # past reminder and deadline

    assert agencies_of(office.events(asked.workflow_id, Proposal.ReminderIssued)) == ["NESDC"]
    assert agencies_of(office.events(asked.workflow_id, Proposal.OverdueEscalated)) == [
        "NESDC"]
    moi = await office.opinion(asked.workflow_id, "MOI")
    assert moi.status == "received"
    assert moi.reminded is False
    assert moi.overdue is False


# --- escalation --------------------------------------------------------------------------


async def test_an_unanswered_request_is_escalated_once_its_due_day_ends(office, system):
    asked = await office.consulting("MOI", "NESDC")

    await office.advance_to(bangkok(asked.due, 23, 59))
    assert office.events(asked.workflow_id, Proposal.OverdueEscalated) == []
    assert (await office.opinion(asked.workflow_id, "MOI")).overdue is False

    await office.advance_to(bangkok(asked.due + DAY, 0, 1))
    escalations = office.events(asked.workflow_id, Proposal.OverdueEscalated)
    assert agencies_of(escalations) == ["MOI", "NESDC"]
    assert {str(e.actor) for e in escalations} == {ENGINE}
    assert {e.step.step for e in escalations} == {"escalate"}
    assert (await office.opinion(asked.workflow_id, "MOI")).overdue is True
    assert (await office.opinion(asked.workflow_id, "NESDC")).overdue is True
    assert office.register_slot(asked.workflow_id, "NESDC").overdue is True

    rows = proposals.board(system, await office.today()).proposals
    row = next(r for r in rows if r.workflow_id == asked.workflow_id)
    assert row.overdue == ["MOI", "NESDC"]

    await office.advance_to(bangkok(asked.due + 30 * DAY))  # a month of silence
    tally = office.tally(asked.workflow_id)
    assert tally["ReminderIssued"] == 2
    assert tally["OverdueEscalated"] == 2


async def test_an_extension_clears_the_overdue_flag_and_restarts_the_deadline_clock(office):
    asked = await office.consulting("MOI", "NESDC")
    await office.advance_to(bangkok(asked.due + DAY, 10))  # both overdue
    new_due = asked.due + 10 * DAY

    await office.act(asked.workflow_id, ExtendDeadline(
        agency="MOI", due=new_due, reason="MOI asked for more time"), SOC)

    moi = await office.opinion(asked.workflow_id, "MOI")
    assert moi.due == new_due
    assert moi.overdue is False
    assert moi.reminded is False
    assert office.register_slot(asked.workflow_id, "MOI").overdue is False

    def moi_dues(kind: type) -> list[date]:
        return [e.step.due for e in office.events(asked.workflow_id, kind)
                if e.step.agency == "MOI"]

    await office.advance_to(bangkok(new_due - 3 * DAY, 8, 59))
    assert moi_dues(Proposal.ReminderIssued) == [asked.due]
    await office.advance_to(bangkok(new_due - 3 * DAY, 9, 1))
    assert moi_dues(Proposal.ReminderIssued) == [asked.due, new_due]
    assert (await office.opinion(asked.workflow_id, "MOI")).reminded is True

    await office.advance_to(bangkok(new_due, 23, 59))
    assert moi_dues(Proposal.OverdueEscalated) == [asked.due]
    assert (await office.opinion(asked.workflow_id, "MOI")).overdue is False
    await office.advance_to(bangkok(new_due + DAY, 0, 1))
    assert moi_dues(Proposal.OverdueEscalated) == [asked.due, new_due]
    assert (await office.opinion(asked.workflow_id, "MOI")).overdue is True

    # NESDC, still overdue on its first deadline, is not chased again.
    await office.advance_to(bangkok(new_due + 20 * DAY))
    tally = office.tally(asked.workflow_id)
    assert tally["DeadlineExtended"] == 1
    assert tally["ReminderIssued"] == 3
    assert tally["OverdueEscalated"] == 3


# --- a review with the same deadline as the first request ----------------------------


async def test_a_review_due_on_the_same_day_is_reminded_in_the_register_too(office):
    asked = await office.consulting("MOI", "NESDC")
    day = asked.due - 2 * DAY  # after the first reminders went out
    await office.advance_to(bangkok(day, 10))
    await office.act(asked.workflow_id, opinion_of("MOI", "มท 0228/3", day), MOI)
    await office.act(asked.workflow_id, opinion_of("NESDC", "นร 1112/1", day), NESDC)
    await office.act(asked.workflow_id, Amend(
        letter=letter("OPDC", "นร 1200/2", day),
        items=(Clause(number="2", summary="OPDC uses eMENSCR data"),)), OPDC)
    await office.act(asked.workflow_id, Endorse(
        document=letter("DPM", "นร 0403/1", day, DocumentKind.MEMO)), DPM)

    await office.act(asked.workflow_id, RequestReview(
        letter=letter("SOC", "นร 0507/2", day),
        requests=(OpinionRequest(agency="NESDC", due=asked.due),)), SOC)
    await office.advance_to(bangkok(day, 11))  # the review's reminder time is past: due now

    assert (await office.opinion(asked.workflow_id, "NESDC")).reminded is True
    nesdc_reminders = [e for e in office.events(asked.workflow_id, Proposal.ReminderIssued)
                       if e.step.agency == "NESDC"]
    assert len(nesdc_reminders) == 2
    assert office.register_slot(asked.workflow_id, "NESDC").reminded is True
