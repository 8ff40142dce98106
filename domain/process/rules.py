"""Who may take which step of a proposal, and when; and what each step changes.

Pure and deterministic: the register's Proposal aggregate, the Temporal
workflow and the proposal board all call ``check`` then ``evolve``, so the
rules exist once. Each step declares its own rule (``domain.process.declaration``);
this module is the one door to them. ``today`` is the acting clock (the
workflow's time); the register passes ``None`` when it records history whose
timing was settled long ago.
"""

from __future__ import annotations

from datetime import date

from domain.permissions import Actor
from domain.process.meeting import Decide
from domain.process.signing import Draft
from domain.process.stages import (
    OpinionRecord,
    OpinionSlot,
    SlotStatus,
    Stage,
    clause_sort_key,
)
from domain.process.state import ProposalState, next_to_act
from domain.process.steps import Step
from domain.values import Clause

__all__ = [
    "OpinionRecord", "OpinionSlot", "ProposalState", "SlotStatus", "Stage", "check",
    "check_draft", "clause_sort_key", "evolve", "next_to_act", "resolution_clauses", "start",
]


def check_draft(step: Draft, actor: Actor, today: date | None = None) -> None:
    """Raise if ``actor`` may not draft this proposal (or its memo is dated after ``today``)."""
    step.check_draft(actor, today)


def check(state: ProposalState, step: Step, actor: Actor, today: date | None = None, *,
          dates: bool = True) -> None:
    """Raise if ``actor`` may not take ``step`` now; return quietly if they may.

    ``dates=False`` leaves out the rules on documents' dates and deadlines (see
    ``ProcessStep.check``).
    """
    step.check(state, actor, today, dates=dates)


def start(step: Draft) -> ProposalState:
    return ProposalState.start(step)


def evolve(state: ProposalState, step: Step) -> ProposalState:
    """The state after ``step``, its documents on the record; call ``check`` first."""
    return step.taken(state)


def resolution_clauses(state: ProposalState, step: Decide) -> tuple[Clause, ...]:
    """The clauses of the resolution an approving decision makes."""
    return step.resolution_clauses(state)
