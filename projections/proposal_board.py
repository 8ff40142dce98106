"""The proposal board's handlers: each step replayed through the workflow's own rules.

Apart from ``projections.proposals`` (the board's tables and reading side)
because they need the step declarations and the rules (``domain.process``):
those load when events are applied, not when the views are opened to answer.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic
from pydantic import ConfigDict, TypeAdapter

from domain.permissions import Actor
from domain.process import rules as process
from domain.process.proposal import EVENT_FOR, Proposal
from domain.process.steps import CorrectDocument, Draft, Step
from projections.batch import Batch
from projections.model import Handler
from projections.proposals import OPINIONS, STEPS_TAKEN, TABLE
from projections.sql import day
from projections.stored import EventData, moment_of

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

HANDLERS: dict[str, Handler] = {
    get_topic(Proposal.Drafted): on_drafted,
    **{get_topic(event_class): on_step for event_class in EVENT_FOR.values()},
}
