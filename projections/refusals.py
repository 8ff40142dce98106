"""Read model: attempts the engine refused, for auditors.

A refused step changes neither the proposal nor its workflow, so the
proposal's refusal log (``domain.process.proposal.RefusalLog``) is the only
record that someone tried; this lists it by proposal and time.
"""

from __future__ import annotations

from domain.ids import refusals_id
from projections.batch import Batch
from projections.jsontypes import IsoMoment, Row
from projections.model import ReadModel
from projections.sql import Cursor
from projections.stored import REFUSAL_LOG, EventData, moment_of

LOGS = "reg_refusal_logs"
TABLE = "reg_refusals"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{LOGS} (
        log_id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        log_id TEXT NOT NULL, version INTEGER NOT NULL, attempt_id TEXT NOT NULL,
        step TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, field TEXT,
        payload TEXT NOT NULL, refused_at TEXT NOT NULL, username TEXT,
        PRIMARY KEY (log_id, version))""",
]


def on_opened(batch: Batch, event: EventData) -> None:
    batch.insert(f"INSERT INTO {{p}}{LOGS} (log_id, workflow_id) VALUES (?, ?)",
                 (event["originator_id"], event["workflow_id"]))


def on_refused(batch: Batch, event: EventData) -> None:
    batch.insert(
        f"INSERT INTO {{p}}{TABLE} (log_id, version, attempt_id, step, actor, reason, field, "
        "payload, refused_at, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event["originator_id"], event["originator_version"], event["attempt_id"],
         event["step"], event["actor"], event["reason"], event["field"], event["payload"],
         moment_of(event["timestamp"]), event.get("username")))


MODEL = ReadModel(
    name="refusals", tables=(LOGS, TABLE), statements=tuple(TABLES),
    handlers={REFUSAL_LOG + "Opened": on_opened,
              REFUSAL_LOG + "AttemptRefused": on_refused},
    description="refused attempts at proposal steps, for auditors")


class RefusalRow(Row):
    """One refused attempt: who tried which step, when, and why it was refused."""

    proposal: str
    """The proposal's workflow id."""
    refused_at: IsoMoment
    step: str
    actor: str
    username: str | None = None
    """The signed-in account that tried (none for attempts kept before sign-in, or made
    outside the HTTP API)."""
    reason: str
    field: str | None
    """The field the refusal names, if any."""
    attempt_id: str
    payload: str
    """The step as it was sent (JSON)."""


def refused(cursor: Cursor, workflow_id: str | None = None) -> list[RefusalRow]:
    """Refused attempts, oldest first; only one proposal's if ``workflow_id`` is given."""
    where, params = "", []
    if workflow_id is not None:  # the log's id is made from the proposal's
        where, params = "WHERE r.log_id = ?", [str(refusals_id(workflow_id))]
    rows = cursor.execute(
        f"SELECT l.workflow_id AS proposal, r.refused_at, r.step, r.actor, r.username, "
        f"r.reason, r.field, r.attempt_id, r.payload "
        f"FROM {{p}}{TABLE} r JOIN {{p}}{LOGS} l ON l.log_id = r.log_id {where} "
        f"ORDER BY r.refused_at, l.workflow_id, r.version", params).fetchall()
    return [RefusalRow.model_validate(row) for row in rows]
