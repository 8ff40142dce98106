"""The deadline tests' office: the desk on the time-skipping server, the register, the clock.

On the time-skipping test server a test moves the clock by hand: weeks pass
in milliseconds, and the engine's own steps (remind, escalate, reschedule)
happen exactly when the timers say. The server starts at the real current
time, so each proposal here is dated "today" by the server's clock and its
deadlines lie ahead of it.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from temporalio.testing import WorkflowEnvironment

from domain.ids import proposal_id
from domain.paperwork.thai_dates import BANGKOK
from domain.permissions import Actor
from domain.process.steps import (
    Approve,
    Draft,
    Endorse,
    GiveOpinion,
    OpinionRequest,
    RequestOpinions,
    Stance,
    Step,
    Submit,
)
from domain.values import Clause, DocumentKind, SourceDocument
from workers.bootstrap import RegisterSystem
from workflows.contracts import OpinionStatus, StepResult
from workflows.desk import ProposalDesk

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


def agencies_of(events: list) -> list[str]:
    return sorted(e.step.agency for e in events)
