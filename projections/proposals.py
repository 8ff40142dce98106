"""Read model: the proposal board, every proposal's stage and its opinion deadlines.

The board replays each step through the same rules the workflow applies,
so what it shows is what the rules say, not a second interpretation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from eventsourcing.utils import get_topic
from pydantic import TypeAdapter

from domain.process import rules as process
from domain.process.proposal import EVENT_FOR, Proposal
from domain.process.steps import Draft, Step
from projections.batch import Batch
from projections.sql import Cursor, day
from projections.stored import EventData, moment_of

TABLE = "reg_proposals"
OPINIONS = "reg_opinions"
TABLE_NAMES = (TABLE, OPINIONS)

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
]


def _write_opinions(batch: Batch, proposal_id: str, state: process.ProposalState) -> None:
    batch.execute(f"DELETE FROM {{p}}{OPINIONS} WHERE proposal_id = ?", (proposal_id,))
    for slot in state.slots:
        current = slot.current
        batch.insert(
            f"INSERT INTO {{p}}{OPINIONS} (proposal_id, agency, status, due, reminded, overdue, "
            "review, stance, letter, opinions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (proposal_id, slot.agency, slot.status.value, day(slot.due), int(slot.reminded),
             int(slot.overdue), int(slot.review), current.stance.value if current else None,
             current.letter.number if current else None, len(slot.opinions)))


def on_drafted(batch: Batch, event: EventData) -> None:
    # Proposals are few: the board rebuilds their steps as models, to run the rules.
    state = process.start(Draft.model_validate(event["step"]))
    recorded = moment_of(event["timestamp"])
    batch.insert(
        f"INSERT INTO {{p}}{TABLE} (proposal_id, workflow_id, proposer, title, stage, "
        "next_to_act, meeting_date, outcome, drafted_at, updated_at, steps, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event["originator_id"], event["workflow_id"], state.proposer, state.title,
         state.stage.value, process.next_to_act(state), None, None, recorded, recorded, 1,
         state.model_dump_json()))


def on_step(batch: Batch, event: EventData) -> None:
    proposal_id = event["originator_id"]
    row = batch.execute(f"SELECT state, steps FROM {{p}}{TABLE} WHERE proposal_id = ?",
                        (proposal_id,)).fetchone()
    if row is None:
        raise LookupError(f"no board row for proposal {proposal_id}")
    step = STEPS.validate_python(event["step"])
    state = process.evolve(process.ProposalState.model_validate_json(row["state"]), step)
    batch.execute(
        f"UPDATE {{p}}{TABLE} SET stage = ?, next_to_act = ?, meeting_date = ?, outcome = ?, "
        "updated_at = ?, steps = ?, state = ? WHERE proposal_id = ?",
        (state.stage.value, process.next_to_act(state),
         day(state.meeting_date) if state.meeting_date else None, state.outcome,
         moment_of(event["timestamp"]), row["steps"] + 1, state.model_dump_json(),
         proposal_id))
    _write_opinions(batch, proposal_id, state)


STEPS: TypeAdapter[Step] = TypeAdapter(Step)

HANDLERS: dict[str, Callable[[Batch, EventData], None]] = {
    get_topic(Proposal.Drafted): on_drafted,
    **{get_topic(event_class): on_step for event_class in EVENT_FOR.values()},
}


def board(cursor: Cursor, today: date, *, include_closed: bool = False) -> list[dict[str, Any]]:
    """Every open proposal, its stage, who acts next, and which opinions are overdue."""
    where = "" if include_closed else "WHERE p.stage <> 'closed'"
    proposals = cursor.execute(
        f"SELECT p.proposal_id, p.workflow_id, p.proposer, p.title, p.stage, p.next_to_act, "
        f"p.meeting_date, p.outcome, p.updated_at FROM {{p}}{TABLE} p {where} "
        "ORDER BY p.drafted_at").fetchall()
    opinions = cursor.execute(
        f"SELECT * FROM {{p}}{OPINIONS} ORDER BY proposal_id, agency").fetchall()
    by_proposal: dict[str, list[dict[str, Any]]] = {}
    for opinion in opinions:
        by_proposal.setdefault(opinion["proposal_id"], []).append(opinion)
    board = []
    for p in proposals:
        slots = by_proposal.get(p["proposal_id"], [])
        overdue = [s["agency"] for s in slots
                   if s["status"] == "pending" and s["due"] < day(today)]
        board.append({
            "workflow_id": p["workflow_id"], "proposer": p["proposer"], "title": p["title"],
            "stage": p["stage"], "next": p["next_to_act"], "meeting_date": p["meeting_date"],
            "outcome": p["outcome"], "updated_at": p["updated_at"], "overdue": overdue,
            "opinions": [{k: s[k] for k in ("agency", "status", "due", "stance", "letter")}
                         for s in slots],
        })
    return board
