"""Read model: each resolution's clause timeline, and why a clause is or is not in force.

Clause status is always asked of one resolution, so the timeline is kept as
one document per resolution: every clause, its versions over effective time,
and its end if a later resolution rescinded it. The recorded axis is the
row's: a change closes the current document (``rec_until``) and records the
changed one, so "as recorded at T" finds the document the register held then.
One row per resolution per change, instead of one per clause version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

import orjson
from pydantic import Field

from projections.batch import Batch
from projections.jsontypes import IsoDate, Row, absent_if_none
from projections.model import ReadModel
from projections.obligation_rows import TABLE as OBLIGATIONS
from projections.obligation_rows import recorded_at
from projections.sql import OPEN_DATE, OPEN_MOMENT, Cursor, day
from projections.stored import RESOLUTION, EventData, item_ref, moment_of, source_text

TABLE = "reg_clause_timelines"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        row_id {{serial}}, resolution_id TEXT NOT NULL, timeline TEXT NOT NULL,
        rec_from TEXT NOT NULL, rec_until TEXT NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_resolution ON {{p}}{TABLE} (resolution_id, rec_until)",
]

_INSERT = (f"INSERT INTO {{p}}{TABLE} (resolution_id, timeline, rec_from, rec_until) "
           "VALUES (?, ?, ?, ?)")


def on_recorded(batch: Batch, event: EventData) -> None:
    start = event["effective_from"]
    timeline = [{
        "clause": c["number"],
        "versions": [{"version": 1, "summary": c["summary"], "from": start,
                      "until": OPEN_DATE, "by": None}],
        "ended": None,
    } for c in event["clauses"]]
    batch.insert(_INSERT, (event["originator_id"], orjson.dumps(timeline).decode(),
                           moment_of(event["timestamp"]), OPEN_MOMENT))


def _change(batch: Batch, event: EventData, edit: Callable[[list[dict[str, Any]]], None]
            ) -> None:
    rid = event["originator_id"]
    current = batch.execute(
        f"SELECT row_id, timeline FROM {{p}}{TABLE} WHERE resolution_id = ? AND rec_until = ?",
        (rid, OPEN_MOMENT)).fetchone()
    if current is None:
        raise LookupError(f"no clause timeline for resolution {rid}")
    timeline = orjson.loads(current["timeline"])
    edit(timeline)
    recorded = moment_of(event["timestamp"])
    batch.execute(f"UPDATE {{p}}{TABLE} SET rec_until = ? WHERE row_id = ?",
                  (recorded, current["row_id"]))
    batch.insert(_INSERT, (rid, orjson.dumps(timeline).decode(), recorded, OPEN_MOMENT))


def on_rescinded(batch: Batch, event: EventData) -> None:
    effective = event["effective_on"]
    rescinded = set(event["clauses"])

    def edit(timeline: list[dict[str, Any]]) -> None:
        for clause in timeline:
            if clause["clause"] not in rescinded:
                continue
            clause["versions"] = [v for v in clause["versions"] if v["from"] < effective]
            for version in clause["versions"]:
                version["until"] = min(version["until"], effective)
            clause["ended"] = {"how": "rescinded", "on": effective, "by": item_ref(event["by"]),
                               "source": source_text(event["source"])}
    _change(batch, event, edit)


def on_amended(batch: Batch, event: EventData) -> None:
    effective = event["effective_from"]

    def edit(timeline: list[dict[str, Any]]) -> None:
        clause = next(c for c in timeline if c["clause"] == event["clause"])
        kept = [v for v in clause["versions"] if v["from"] < effective]
        end = max((v["until"] for v in clause["versions"]), default=OPEN_DATE)
        before = kept[-1] if kept else clause["versions"][0]
        for version in kept:
            version["until"] = min(version["until"], effective)
        kept.append({"version": event["originator_version"],
                     "summary": event["summary"] or before["summary"], "from": effective,
                     "until": end, "by": item_ref(event["by"])})
        clause["versions"] = kept
    _change(batch, event, edit)


MODEL = ReadModel(
    name="clauses", tables=(TABLE,), statements=tuple(TABLES),
    handlers={
        RESOLUTION + "Recorded": on_recorded,
        RESOLUTION + "ClausesRescinded": on_rescinded,
        RESOLUTION + "ClauseAmended": on_amended,
    },
    description="each resolution's clause timeline")


class ClauseStatus(Row):
    """One clause on a day: in force or not, and which resolution made it so."""

    clause: str
    summary: str | None
    version: int | None
    in_force: bool
    in_force_from: IsoDate | None
    in_force_until: IsoDate | None
    amended_by: str | None
    ended_by: str | None
    status: Literal["in force", "rescinded", "not yet in force", "not in force"]
    obligations: tuple[str, ...] = ()
    """What the version shown obliges, one summary per obligation: an amendment can
    change these alone, leaving the clause's summary as it was."""
    retroactive: bool = False
    """The version shown, or the clause's end, took effect before the meeting of the
    resolution that made the change."""
    ended_source: str | None = Field(default=None, exclude_if=absent_if_none)
    """Only for a rescinded clause: the document that rescinded it."""
    ended_on: IsoDate | None = Field(default=None, exclude_if=absent_if_none)
    text: str | None = Field(default=None, exclude_if=absent_if_none)
    """The full text of the version shown, where the resolution recorded one (from the
    search view, which keeps each version's words: ``projections.search.clause_texts``)."""


def status(cursor: Cursor, resolution_id: str, on: date, *,
           as_recorded: datetime | None = None) -> list[ClauseStatus]:
    """Clause by clause: in force on ``on``, or not, and which resolution made it so."""
    params: list[Any] = [resolution_id]
    conditions = ["t.resolution_id = ?", *recorded_at(as_recorded, params, alias="t")]
    row = cursor.execute(
        f"SELECT t.timeline FROM {{p}}{TABLE} t WHERE {' AND '.join(conditions)}",
        params).fetchone()
    if row is None:
        return []
    from domain.process.rules import clause_sort_key  # the clause order is the domain's

    timeline = sorted(orjson.loads(row["timeline"]), key=lambda c: clause_sort_key(c["clause"]))
    duties = _obligations(cursor, resolution_id, as_recorded)
    return [_clause_status(clause, day(on), duties) for clause in timeline]


def _obligations(cursor: Cursor, resolution_id: str, as_recorded: datetime | None
                 ) -> dict[tuple[str, int], tuple[str, ...]]:
    """Each clause version's obligations (their summaries, in order), as recorded then."""
    params: list[Any] = [resolution_id]
    conditions = ["o.resolution_id = ?", *recorded_at(as_recorded, params, alias="o")]
    found = cursor.execute(
        f"SELECT o.clause, o.clause_version, o.obligation_no, o.details "
        f"FROM {{p}}{OBLIGATIONS} o WHERE {' AND '.join(conditions)}", params).fetchall()
    numbered: dict[tuple[str, int], dict[int, str]] = {}
    for f in found:
        summary = orjson.loads(f["details"])["summary"]
        numbered.setdefault((f["clause"], f["clause_version"]), {})[f["obligation_no"]] = summary
    return {key: tuple(by_number[n] for n in sorted(by_number))
            for key, by_number in numbered.items()}


_BY_DATE = re.compile(r"resolution of (\d{4}-\d{2}-\d{2}),")


def _before_its_meeting(effective: str, by: str | None) -> bool:
    """Whether a change by ``by`` ("resolution of DATE, item N") took effect before DATE."""
    found = _BY_DATE.match(by or "")
    return found is not None and effective < found.group(1)


def _clause_status(clause: dict[str, Any], on: str,
                   duties: dict[tuple[str, int], tuple[str, ...]]) -> ClauseStatus:
    versions = clause["versions"]
    ended = clause["ended"]
    covering = next((v for v in versions if v["from"] <= on < v["until"]), None)
    shown = covering or (versions[-1] if versions else None)
    result: dict[str, Any] = {
        "clause": clause["clause"],
        "summary": shown["summary"] if shown else None,
        "version": shown["version"] if shown else None,
        "in_force": covering is not None,
        "in_force_from": versions[0]["from"] if versions else None,
        "in_force_until": ended["on"] if ended else None,
        "amended_by": shown["by"] if shown else None,
        "ended_by": ended["by"] if ended else None,
        "status": "in force",
        "obligations": duties.get((clause["clause"], shown["version"]), ()) if shown else (),
        "retroactive": bool((shown and _before_its_meeting(shown["from"], shown["by"]))
                            or (ended and _before_its_meeting(ended["on"], ended["by"]))),
    }
    if covering is None:
        if ended and ended["on"] <= on:
            result["status"] = "rescinded"
            result["ended_source"] = ended["source"]
            result["ended_on"] = ended["on"]
        elif versions and versions[0]["from"] > on:
            result["status"] = "not yet in force"
        else:
            result["status"] = "not in force"
    return ClauseStatus.model_validate(result)
