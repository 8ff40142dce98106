"""Read model: every proposal's stage, its opinion deadlines and the steps it took.

The board replays each step through the same rules the workflow applies,
so what it shows is what the rules say, not a second interpretation. It is
built from the register alone: a proposal imported without a workflow, or
one whose workflow history was purged, reads the same as a live one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from domain.ids import proposal_id
from projections.jsontypes import IsoDate, IsoMoment, Row
from projections.model import Handler, LazyHandlers, ReadModel
from projections.sql import Cursor, day
from projections.stored import PROPOSAL

TABLE = "reg_proposals"
OPINIONS = "reg_opinions"
STEPS_TAKEN = "reg_proposal_steps"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        proposal_id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, proposer TEXT NOT NULL,
        title TEXT NOT NULL, stage TEXT NOT NULL, next_to_act TEXT NOT NULL,
        meeting_date TEXT, outcome TEXT, drafted_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        steps INTEGER NOT NULL, state TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS {{p}}{OPINIONS} (
        proposal_id TEXT NOT NULL, agency TEXT NOT NULL, status TEXT NOT NULL,
        due TEXT NOT NULL, reminded INTEGER NOT NULL, overdue INTEGER NOT NULL,
        review INTEGER NOT NULL, stance TEXT, letter TEXT, opinions INTEGER NOT NULL,
        PRIMARY KEY (proposal_id, agency))""",
    f"""CREATE TABLE IF NOT EXISTS {{p}}{STEPS_TAKEN} (
        proposal_id TEXT NOT NULL, version INTEGER NOT NULL, step TEXT NOT NULL,
        actor TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL, correction TEXT,
        PRIMARY KEY (proposal_id, version))""",
]


def _handlers() -> Mapping[str, Handler]:
    # The board's handlers replay steps through the workflow's rules; they load
    # when events are applied, not when the views are opened to answer.
    from projections.proposal_board import HANDLERS

    return HANDLERS


MODEL = ReadModel(
    name="proposals", tables=(TABLE, OPINIONS, STEPS_TAKEN), statements=tuple(TABLES),
    handlers=LazyHandlers(_handlers, topics_from=PROPOSAL),
    description="the proposal board: stages, opinion deadlines, steps taken")


# --- reading -------------------------------------------------------------------------


class BoardOpinion(Row):
    agency: str
    status: str
    due: IsoDate
    stance: str | None
    letter: str | None


class BoardRow(Row):
    """One proposal on the board (``cabinet proposals --json``)."""

    workflow_id: str
    proposer: str
    title: str
    stage: str
    next: str
    meeting_date: IsoDate | None
    outcome: str | None
    updated_at: IsoMoment
    overdue: list[str]
    """Agencies whose opinion is still pending past its deadline, on the board's day."""
    opinions: list[BoardOpinion]


class OpinionRow(Row):
    agency: str
    status: str
    due: IsoDate
    reminded: bool
    overdue: bool
    """The engine escalated it: the deadline passed without the opinion."""
    review: bool
    letter: str | None
    stance: str | None


class StepRow(Row):
    version: int
    step: str
    actor: str
    at: IsoMoment
    note: str
    """As first recorded."""
    correction: str | None = None
    """The step's document as a later step corrected it, and which step and why."""


class ProposalRow(Row):
    """One proposal in full: stage, who acts next, opinions and the steps taken."""

    workflow_id: str
    title: str
    proposer: str
    stage: str
    next_to_act: str
    meeting_date: IsoDate | None
    outcome: str | None
    opinions: list[OpinionRow]
    history: list[StepRow]


def board(cursor: Cursor, today: date, *, include_closed: bool = False) -> list[BoardRow]:
    """Every open proposal, its stage, who acts next, and which opinions are overdue."""
    where = "" if include_closed else "WHERE p.stage <> 'closed'"
    proposals = cursor.execute(
        f"SELECT p.proposal_id, p.workflow_id, p.proposer, p.title, p.stage, p.next_to_act, "
        f"p.meeting_date, p.outcome, p.updated_at FROM {{p}}{TABLE} p {where} "
        "ORDER BY p.drafted_at").fetchall()
    by_proposal: dict[str, list[OpinionRow]] = {}
    for opinion in cursor.execute(
            f"SELECT * FROM {{p}}{OPINIONS} ORDER BY proposal_id, agency").fetchall():
        by_proposal.setdefault(opinion.pop("proposal_id"), []).append(_opinion(opinion))
    rows = []
    for p in proposals:
        slots = by_proposal.get(p["proposal_id"], [])
        rows.append(BoardRow(
            workflow_id=p["workflow_id"], proposer=p["proposer"], title=p["title"],
            stage=p["stage"], next=p["next_to_act"], meeting_date=p["meeting_date"],
            outcome=p["outcome"], updated_at=p["updated_at"],
            overdue=[s.agency for s in slots if s.status == "pending" and s.due < day(today)],
            opinions=[BoardOpinion.model_validate(s.model_dump(include=set(
                BoardOpinion.model_fields))) for s in slots]))
    return rows


def proposal(cursor: Cursor, workflow_id: str) -> ProposalRow | None:
    """One proposal by its workflow id, as the register holds it."""
    key = str(proposal_id(workflow_id))
    found = cursor.execute(
        f"SELECT workflow_id, title, proposer, stage, next_to_act, meeting_date, outcome "
        f"FROM {{p}}{TABLE} WHERE proposal_id = ?", (key,)).fetchone()
    if found is None:
        return None
    opinions = cursor.execute(
        f"SELECT agency, status, due, reminded, overdue, review, letter, stance "
        f"FROM {{p}}{OPINIONS} WHERE proposal_id = ? ORDER BY agency", (key,)).fetchall()
    steps = cursor.execute(
        f"SELECT version, step, actor, at, note, correction FROM {{p}}{STEPS_TAKEN} "
        "WHERE proposal_id = ? ORDER BY version", (key,)).fetchall()
    return ProposalRow(**found, opinions=[_opinion(o) for o in opinions],
                       history=[StepRow.model_validate(s) for s in steps])


def _opinion(row: dict[str, object]) -> OpinionRow:
    return OpinionRow.model_validate({k: v for k, v in row.items() if k != "opinions"})
