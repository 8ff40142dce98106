"""Read model: every proposal's stage, its opinion deadlines and the steps it took.

The board replays each step through the same rules the workflow applies,
so what it shows is what the rules say, not a second interpretation. It is
built from the register alone: a proposal imported without a workflow, or
one whose workflow history was purged, reads the same as a live one.
"""

from __future__ import annotations

from datetime import date

from eventsourcing.utils import get_topic
from pydantic import ConfigDict, TypeAdapter

from domain.ids import proposal_id
from domain.permissions import Actor
from domain.process import rules as process
from domain.process.proposal import EVENT_FOR, Proposal
from domain.process.steps import CorrectDocument, Draft, Step
from projections.batch import Batch
from projections.jsontypes import IsoDate, IsoMoment, Row
from projections.model import ReadModel
from projections.sql import Cursor, day
from projections.stored import EventData, moment_of

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

_STEP_TAKEN = (f"INSERT INTO {{p}}{STEPS_TAKEN} (proposal_id, version, step, actor, at, note) "
               "VALUES (?, ?, ?, ?, ?, ?)")


def step_note(step: Step) -> str:
    """A step in a few words for the history: its document, or whom and when it concerns."""
    return step.title if isinstance(step, Draft) else step.describe()


def _note_step(batch: Batch, event: EventData, step: Step) -> None:
    batch.insert(_STEP_TAKEN, (event["originator_id"], event["originator_version"], step.step,
                               str(Actor.model_validate(event["actor"])),
                               moment_of(event["timestamp"]), step_note(step)))
    if isinstance(step, CorrectDocument):
        # Beside the step first recorded, what its document really is (the latest
        # correction); the first record stays in its note.
        batch.execute(
            f"UPDATE {{p}}{STEPS_TAKEN} SET correction = ? WHERE proposal_id = ? "
            "AND version = ?",
            (f"{step.corrected.describe()} (step {event['originator_version']}: "
             f"{step.reason})", event["originator_id"], step.step_version))


def _write_opinions(batch: Batch, proposal: str, state: process.ProposalState) -> None:
    batch.execute(f"DELETE FROM {{p}}{OPINIONS} WHERE proposal_id = ?", (proposal,))
    for slot in state.slots:
        current = slot.current
        batch.insert(
            f"INSERT INTO {{p}}{OPINIONS} (proposal_id, agency, status, due, reminded, overdue, "
            "review, stance, letter, opinions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (proposal, slot.agency, slot.status.value, day(slot.due), int(slot.reminded),
             int(slot.overdue), int(slot.review), current.stance.value if current else None,
             current.letter.number if current else None, len(slot.opinions)))


def on_drafted(batch: Batch, event: EventData) -> None:
    # Proposals are few: the board rebuilds their steps as models, to run the rules.
    draft = Draft.model_validate(event["step"])
    state = process.start(draft)
    recorded = moment_of(event["timestamp"])
    batch.insert(
        f"INSERT INTO {{p}}{TABLE} (proposal_id, workflow_id, proposer, title, stage, "
        "next_to_act, meeting_date, outcome, drafted_at, updated_at, steps, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event["originator_id"], event["workflow_id"], state.proposer, state.title,
         state.stage.value, process.next_to_act(state), None, None, recorded, recorded, 1,
         state.model_dump_json()))
    _note_step(batch, event, draft)


def on_step(batch: Batch, event: EventData) -> None:
    proposal = event["originator_id"]
    row = batch.execute(f"SELECT state, steps FROM {{p}}{TABLE} WHERE proposal_id = ?",
                        (proposal,)).fetchone()
    if row is None:
        raise LookupError(f"no board row for proposal {proposal}")
    step = STEPS.validate_python(event["step"])
    state = process.evolve(process.ProposalState.model_validate_json(row["state"]), step)
    batch.execute(
        f"UPDATE {{p}}{TABLE} SET stage = ?, next_to_act = ?, meeting_date = ?, outcome = ?, "
        "updated_at = ?, steps = ?, state = ? WHERE proposal_id = ?",
        (state.stage.value, process.next_to_act(state),
         day(state.meeting_date) if state.meeting_date else None, state.outcome,
         moment_of(event["timestamp"]), row["steps"] + 1, state.model_dump_json(), proposal))
    _write_opinions(batch, proposal, state)
    _note_step(batch, event, step)


STEPS: TypeAdapter[Step] = TypeAdapter(Step, config=ConfigDict(defer_build=True))

MODEL = ReadModel(
    name="proposals", tables=(TABLE, OPINIONS, STEPS_TAKEN), statements=tuple(TABLES),
    handlers={
        get_topic(Proposal.Drafted): on_drafted,
        **{get_topic(event_class): on_step for event_class in EVENT_FOR.values()},
    },
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
