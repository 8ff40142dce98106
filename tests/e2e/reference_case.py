"""The reference case for the end-to-end tests: drive it, then check what it left.

The checks hold the register to the workflow, one for one: every step the
workflow took (the case's staff steps and the engine's own reminders and
escalations) is one event in the register, in the same order, and no step id
is there twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.ids import proposal_id, refusals_id
from domain.process.proposal import EVENT_FOR, Proposal
from domain.process.steps import Draft, EscalateOverdue, RemindOpinion, Reschedule
from domain.register.records import ImportFile, ProposalRecord, StepRecord
from projections import obligations
from workers.bootstrap import RegisterSystem, verify_chain
from workflows.contracts import ProposalStatus
from workflows.desk import ProposalDesk

ENGINE_EVENTS = tuple(EVENT_FOR[step] for step in (RemindOpinion, EscalateOverdue, Reschedule))


def earlier_resolutions(case: ImportFile) -> ImportFile:
    """The case without its proposal: what the register held before the memo."""
    return case.model_copy(update={"proposals": ()})


async def take(desk: ProposalDesk, workflow_id: str, steps: Sequence[StepRecord]) -> str:
    """Take ``steps`` in order as their actors; a draft starts the workflow."""
    for taken in steps:
        if isinstance(taken.step, Draft):
            workflow_id = await desk.start(taken.step, taken.actor)
        else:
            await desk.act(workflow_id, taken.step, taken.actor)
    return workflow_id


def proposal_events(system: RegisterSystem, workflow_id: str) -> list[Any]:
    return list(system.register.history(proposal_id(workflow_id)))


def step_name(event: Any) -> str:
    return "draft" if isinstance(event, Proposal.Drafted) else str(event.step.step)


def assert_recorded_once(system: RegisterSystem, proposal: ProposalRecord, workflow_id: str,
                         status: ProposalStatus) -> list[Any]:
    """Every step of the case exactly once, plus the engine's steps, as the workflow saw them."""
    events = proposal_events(system, workflow_id)
    step_ids = Counter(event.step_id for event in events)
    assert [s for s, n in step_ids.items() if n > 1] == [], "a step was recorded twice"

    staff = [e for e in events if not isinstance(e, ENGINE_EVENTS)]
    engine = [e for e in events if isinstance(e, ENGINE_EVENTS)]
    expected: list[type] = [Proposal.Drafted,
                            *(EVENT_FOR[type(t.step)] for t in proposal.steps[1:])]
    assert Counter(type(e).__name__ for e in staff) == Counter(c.__name__ for c in expected)
    assert [type(e) for e in staff] == expected
    assert [e.step for e in staff] == [t.step for t in proposal.steps]
    assert [e.actor for e in staff] == [t.actor for t in proposal.steps]
    assert all(e.step_id.startswith("engine:") for e in engine)
    assert not any(e.step_id.startswith("engine:") for e in staff)

    # The workflow's own account of what it did, one entry per recorded step.
    assert [h.step for h in status.history] == [step_name(e) for e in events]
    assert list(system.register.history(refusals_id(workflow_id))) == [], "a step was refused"
    return events


def assert_key_question_answered(system: RegisterSystem) -> None:
    """CASE.md: on 10 Nov 2021 the 2016 clause 2 is no longer in force; 2021-11-09 clause 1 is."""
    with system.reading() as cursor:
        before = {(r["resolution"], r["clause"])
                  for r in obligations.in_force(cursor, date(2021, 11, 8))}
        after = {(r["resolution"], r["clause"])
                 for r in obligations.in_force(cursor, date(2021, 11, 10))}
    assert ("2016-01-12", "2") in before
    assert ("2016-01-12", "2") not in after
    assert ("2021-11-09", "1") not in before
    assert ("2021-11-09", "1") in after


def assert_chain_intact(system: RegisterSystem) -> None:
    report = verify_chain(system)
    assert report.ok, report
