"""Replaying the reference case one record at a time, each on the day it happened."""

from __future__ import annotations

from datetime import date

from domain.process.steps import Draft, Step
from domain.register.records import ImportFile, ProposalRecord
from domain.values import SourceDocument
from workers.bootstrap import RegisterSystem


def day_of(step: Step) -> date:
    """The day a step happened: its document's date, or the meeting's."""
    for name in type(step).model_fields:
        value = getattr(step, name)
        if isinstance(value, SourceDocument):
            return value.date
    meeting = getattr(step, "meeting_date", None)
    assert meeting is not None, f"no date for {step!r}"
    return meeting


def replay_case(system: RegisterSystem, case: ImportFile, clock, *, until: date | None = None
                ) -> None:
    """Record the case step by step with the clock on each step's own day."""
    for resolution in case.resolutions:
        clock.set_day(resolution.source.date)
        system.register.record_resolution(resolution)
    for proposal in case.proposals:
        _replay_proposal(system, proposal, clock, until)


def _replay_proposal(system: RegisterSystem, proposal: ProposalRecord, clock,
                     until: date | None) -> None:
    workflow_id = proposal.workflow_id
    for index, taken in enumerate(proposal.steps):
        when = day_of(taken.step)
        if until is not None and when > until:
            return
        clock.set_day(when, hour=10 + index % 6)
        if isinstance(taken.step, Draft):
            system.register.draft_proposal(workflow_id, taken.step, taken.actor,
                                           step_id=proposal.step_id(index))
        else:
            system.register.take_step(workflow_id, taken.step, taken.actor,
                                      step_id=proposal.step_id(index))
