"""Read model: obligations in force, on the effective and the recorded axis.

One row per version of an obligation and per stretch of recorded time. "In
force on D as recorded at T" is an index range scan over bearer and dates.

The columns are what the register filters, orders and cuts by; what an
obligation says (summary, action, recipient, system, recurrence, the
resolution's subject) travels as one JSON document per row, read when a
caller looks at it. An agency's answer can run to thousands of rows, and
building a Python object per column per row was most of its cost.
"""

from __future__ import annotations

from typing import Any

import orjson

from projections.batch import Batch
from projections.bitemporal import Ending, cut
from projections.model import ReadModel
from projections.obligation_rows import (
    TABLE,
    ObligationRow,
    SharedRows,
    by_resolution,
    in_force,
    recorded_at,
)
from projections.sql import OPEN_DATE, OPEN_MOMENT
from projections.stored import RESOLUTION, EventData, moment_of, source_text

# The reading side lives in obligation_rows; callers may import it from here too.
__all__ = ["MODEL", "ObligationRow", "SharedRows", "by_resolution", "in_force", "recorded_at"]

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        row_id {{serial}},
        resolution_id TEXT NOT NULL, meeting_date TEXT NOT NULL,
        clause TEXT NOT NULL, clause_version INTEGER NOT NULL, obligation_no INTEGER NOT NULL,
        bearer TEXT NOT NULL, details TEXT NOT NULL,
        source_resolution_id TEXT NOT NULL, source TEXT NOT NULL,
        eff_from TEXT NOT NULL, eff_until TEXT NOT NULL,
        rec_from TEXT NOT NULL, rec_until TEXT NOT NULL,
        ended_how TEXT, ended_by TEXT, ended_by_date TEXT, ended_by_item TEXT,
        ended_source TEXT)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_clause ON {{p}}{TABLE} "
    "(resolution_id, clause, rec_until)",
]

QUERY_INDEXES = [
    # Every column the in-force query reads, after the ones it ranges over: on
    # SQLite the query is answered from the index alone.
    f"CREATE INDEX IF NOT EXISTS {TABLE}_bearer ON {{p}}{TABLE} (bearer, eff_from, eff_until, "
    "rec_from, rec_until, meeting_date, resolution_id, clause, clause_version, obligation_no, "
    "source, ended_how, ended_by_date, ended_by_item, details)",
]

_INSERT = (
    f"INSERT INTO {{p}}{TABLE} (resolution_id, meeting_date, clause, clause_version, "
    "obligation_no, bearer, details, source_resolution_id, source, eff_from, eff_until, "
    "rec_from, rec_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _details(obligation: dict[str, Any], subject: str) -> str:
    return orjson.dumps({
        "summary": obligation["summary"], "action": obligation.get("action"),
        "recipient": obligation.get("recipient"), "system": obligation.get("system"),
        "recurrence": obligation["recurrence"], "subject": subject,
    }).decode()


def _insert(batch: Batch, *, resolution: tuple[str, str, str], clause: str, version: int,
            obligations: list[dict[str, Any]], source_resolution_id: str, source: str,
            eff_from: str, eff_until: str, recorded: str) -> None:
    rid, meeting, subject = resolution
    for number, o in enumerate(obligations, start=1):
        batch.insert(_INSERT, (
            rid, meeting, clause, version, number, o["bearer"], _details(o, subject),
            source_resolution_id, source, eff_from, eff_until, recorded, OPEN_MOMENT))


def on_recorded(batch: Batch, event: EventData) -> None:
    rid = event["originator_id"]
    ident = (rid, event["meeting_date"], event["subject"])
    source, eff_from, recorded = (source_text(event["source"]), event["effective_from"],
                                  moment_of(event["timestamp"]))
    for clause in event["clauses"]:
        if clause["obligations"]:
            _insert(batch, resolution=ident, clause=clause["number"], version=1,
                    obligations=clause["obligations"], source_resolution_id=rid, source=source,
                    eff_from=eff_from, eff_until=OPEN_DATE, recorded=recorded)


def _ending(how: str, event: EventData) -> Ending:
    by = event["by"]
    return Ending(how, by["resolution_id"], by["meeting_date"], by["item"],
                  source_text(event["source"]))


def on_rescinded(batch: Batch, event: EventData) -> None:
    ending = _ending("rescinded", event)
    for clause in event["clauses"]:
        cut(batch, TABLE, event["originator_id"], clause, event["effective_on"],
            moment_of(event["timestamp"]), ending)


def on_amended(batch: Batch, event: EventData) -> None:
    rid = event["originator_id"]
    effective = event["effective_from"]
    recorded = moment_of(event["timestamp"])
    previous = batch.execute(
        f"SELECT meeting_date, bearer, details FROM {{p}}{TABLE} WHERE resolution_id = ? "
        "AND clause = ? AND rec_until = ? ORDER BY eff_from DESC, obligation_no",
        (rid, event["clause"], OPEN_MOMENT)).fetchall()
    end = cut(batch, TABLE, rid, event["clause"], effective, recorded, _ending("amended", event))
    meeting = previous[0]["meeting_date"] if previous else event["by"]["meeting_date"]
    details = [orjson.loads(p["details"]) for p in previous]
    subject = details[0]["subject"] if details else ""
    if event["obligations"] is None:
        # Only the text changed: the obligations carry on, now under the amended clause.
        obligations = [{"bearer": p["bearer"], **d} for p, d in
                       zip(previous, details, strict=True)]
    else:
        obligations = event["obligations"]
    _insert(batch, resolution=(rid, meeting, subject), clause=event["clause"],
            version=event["originator_version"], obligations=obligations,
            source_resolution_id=event["by"]["resolution_id"],
            source=source_text(event["source"]), eff_from=effective,
            eff_until=end or OPEN_DATE, recorded=recorded)


def on_notice(batch: Batch, event: EventData) -> None:
    # The circular is the document people cite for a resolution once it exists;
    # it names the resolution's own obligations, not those it amended elsewhere.
    batch.execute(
        f"UPDATE {{p}}{TABLE} SET source = ? WHERE source_resolution_id = ?",
        (source_text(event["notice"]), event["originator_id"]))


MODEL = ReadModel(
    name="obligations", tables=(TABLE,), statements=tuple(TABLES),
    query_indexes=tuple(QUERY_INDEXES),
    handlers={
        RESOLUTION + "Recorded": on_recorded,
        RESOLUTION + "ClausesRescinded": on_rescinded,
        RESOLUTION + "ClauseAmended": on_amended,
        RESOLUTION + "NoticeRecorded": on_notice,
    },
    description="obligations in force, on the effective and the recorded axis")
