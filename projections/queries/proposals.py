"""Answers about proposals, from the register alone: the board, one proposal, refused attempts.

The register holds every step, whether taken through a workflow or imported,
so these answers need no workflow engine and read the same after its history
is purged.
"""

from __future__ import annotations

from datetime import date

from domain.errors import ProposalNotFound
from projections import proposals, refusals
from projections.proposals import BoardRow, ProposalRow
from projections.queries.reading import Answer, Source, current
from projections.refusals import RefusalRow


class BoardAnswer(Answer):
    """``cabinet proposals --json``: proposals in the order they were drafted."""

    at: date
    """The day overdue opinions are judged on."""
    proposals: list[BoardRow]


class ProposalStatus(ProposalRow):
    """``cabinet proposal status --json``: stage, who acts next, opinions, steps taken."""


class RefusalsAnswer(Answer):
    """``cabinet refusals --json``: refused attempts, oldest first."""

    proposal: str | None
    """The proposal asked about; every proposal's when null."""
    refusals: list[RefusalRow]


def board(source: Source, today: date, *, include_closed: bool = False) -> BoardAnswer:
    with current(source) as cursor:
        rows = proposals.board(cursor, today, include_closed=include_closed)
    return BoardAnswer(at=today, proposals=rows)


def status(source: Source, workflow_id: str) -> ProposalStatus:
    with current(source) as cursor:
        found = proposals.proposal(cursor, workflow_id)
    if found is None:
        raise ProposalNotFound(f"no proposal {workflow_id!r} in the register", field="proposal")
    return ProposalStatus.model_validate(found.model_dump())


def refused(source: Source, workflow_id: str | None = None) -> RefusalsAnswer:
    with current(source) as cursor:
        rows = refusals.refused(cursor, workflow_id)
    return RefusalsAnswer(proposal=workflow_id, refusals=rows)
