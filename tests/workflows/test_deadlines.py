"""Opinion deadlines and deferrals, kept by the workflow's durable timers.

On the time-skipping test server a test moves the clock by hand: weeks pass
in milliseconds, and the engine's own steps (remind, escalate, reschedule)
happen exactly when the timers say. The server starts at the real current
time, so each proposal here is dated "today" by the server's clock and its
deadlines lie ahead of it.

The engine acts as ``SOC:system``. Every step it takes must land in the
register once, and only once.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
import pytest_asyncio
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.errors import WrongStage
from domain.ids import proposal_id
from domain.permissions import Actor
from domain.process.proposal import Proposal
from domain.process.steps import (
    Amend,
    Approve,
    Decide,
    Draft,
    Endorse,
    ExtendDeadline,
    GiveOpinion,
    Notify,
    OpinionRequest,
    Outcome,
    ProceedWithout,
    RequestOpinions,
    RequestReview,
    Schedule,
    Stance,
    Step,
    Submit,
)
from domain.values import Clause, DocumentKind, SourceDocument
from projections.queries import proposals
from workers.bootstrap import RegisterSystem
from workers.temporal import build_worker
from workflows.contracts import OpinionStatus, StepResult
from workflows.desk import ProposalDesk

BANGKOK = timezone(timedelta(hours=7))
DAY = timedelta(days=1)
ENGINE = "SOC:system"

OPDC = Actor.parse("OPDC:head")
DPM = Actor.parse("DPM:head")
PM = Actor.parse("PM:head")
SOC = Actor.parse("SOC:staff")
MOI = Actor.parse("MOI:head")
NESDC = Actor.parse("NESDC:head")

_memo_numbers = itertools.count(1)


def bangkok(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A moment on Bangkok's wall clock."""
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


def letter(issuer: str, number: str, day: date,
           kind: DocumentKind = DocumentKind.LETTER) -> SourceDocument:
    return SourceDocument(kind=kind, issuer=issuer, number=number, date=day)


def opinion_of(agency: str, number: str, day: date) -> GiveOpinion:
    return GiveOpinion(agency=agency, letter=letter(agency, number, day), stance=Stance.CONCUR)


@dataclass(frozen=True)
class Consultation:
    workflow_id: str
    asked_on: date
    due: date


class Office:
    """The desk on the time-skipping server, the register behind it, and the clock."""

    def __init__(self, env: WorkflowEnvironment, desk: ProposalDesk,
                 system: RegisterSystem) -> None:
        self.env = env
        self.desk = desk
        self.system = system
        self.started: list[str] = []

    # --- the clock ---------------------------------------------------------------------

    async def today(self) -> date:
        return (await self.env.get_current_time()).astimezone(BANGKOK).date()

    async def advance_to(self, moment: datetime) -> None:
        now = await self.env.get_current_time()
        assert moment > now, f"the clock is already at {now}, past {moment}"
        await self.env.sleep(moment - now)

    # --- acting ------------------------------------------------------------------------

    async def act(self, workflow_id: str, step: Step, actor: Actor) -> StepResult:
        return await self.desk.act(workflow_id, step, actor)

    async def submitted(self) -> tuple[str, date]:
        """A one-item proposal of OPDC's, endorsed, approved and submitted today."""
        today = await self.today()
        memo = f"นร 1220/{50000 + os.getpid() % 1000 * 100 + next(_memo_numbers)}"
        draft = Draft(proposer="OPDC", supervisor="DPM", title=f"Deadline test {memo}",
                      memo=letter("OPDC", memo, today, DocumentKind.MEMO),
                      items=(Clause(number="1", summary="Agencies report in eMENSCR"),))
        workflow_id = await self.desk.start(draft, OPDC)
        self.started.append(workflow_id)
        await self.act(workflow_id, Endorse(document=SourceDocument(
            kind=DocumentKind.STAMP, issuer="DPM", date=today)), DPM)
        await self.act(workflow_id, Approve(document=SourceDocument(
            kind=DocumentKind.ANNOTATION, issuer="PM", date=today)), PM)
        await self.act(workflow_id, Submit(letter=letter("OPDC", "นร 1200/1", today)), OPDC)
        return workflow_id, today

    async def consulting(self, *agencies: str, due_in: int = 14) -> Consultation:
        """Submitted today, and SOC asks ``agencies`` for opinions due ``due_in`` days on."""
        workflow_id, today = await self.submitted()
        due = today + timedelta(days=due_in)
        await self.act(workflow_id, RequestOpinions(
            letter=letter("SOC", "นร 0507/1", today),
            requests=tuple(OpinionRequest(agency=a, due=due) for a in agencies)), SOC)
        return Consultation(workflow_id, today, due)

    # --- reading -----------------------------------------------------------------------

    def events(self, workflow_id: str, kind: type) -> list:
        return [e for e in self.system.register.history(proposal_id(workflow_id))
                if isinstance(e, kind)]

    def tally(self, workflow_id: str) -> Counter[str]:
        """How many events of each type the register holds for the proposal."""
        return Counter(type(e).__name__
                       for e in self.system.register.history(proposal_id(workflow_id)))

    def register_slot(self, workflow_id: str, agency: str):
        slot = self.system.register.proposal(workflow_id).state.slot(agency)
        assert slot is not None
        return slot

    async def opinion(self, workflow_id: str, agency: str) -> OpinionStatus:
        status = await self.desk.status(workflow_id)
        return next(o for o in status.opinions if o.agency == agency)

    async def stage(self, workflow_id: str) -> str:
        return (await self.desk.status(workflow_id)).stage


@pytest_asyncio.fixture
async def office(time_skipping, system) -> AsyncIterator[Office]:
    task_queue = f"deadlines-{uuid.uuid4().hex[:8]}"
    worker = build_worker(time_skipping.client, system.register, task_queue,
                          workflow_failure_exception_types=[Exception])
    async with worker:
        office = Office(time_skipping, ProposalDesk(time_skipping.client, system.register,
                                                    task_queue), system)
        yield office
        # Later tests move the shared clock; nothing of this test may wake up then.
        for workflow_id in office.started:
            with contextlib.suppress(RPCError):  # already finished
                await time_skipping.client.get_workflow_handle(workflow_id).terminate()


def agencies_of(events: list) -> list[str]:
    return sorted(e.step.agency for e in events)


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
