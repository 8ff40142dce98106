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

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

import orjson
from eventsourcing.utils import get_topic

from domain.paperwork.agencies import ALL
from domain.register.resolution import Resolution
from projections.batch import Batch
from projections.bitemporal import Ending, cut
from projections.sql import OPEN_DATE, OPEN_MOMENT, Cursor, day, moment
from projections.stored import EventData, moment_of, source_text

TABLE = "reg_obligations"

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


HANDLERS: dict[str, Callable[[Batch, EventData], None]] = {
    get_topic(Resolution.Recorded): on_recorded,
    get_topic(Resolution.ClausesRescinded): on_rescinded,
    get_topic(Resolution.ClauseAmended): on_amended,
    get_topic(Resolution.NoticeRecorded): on_notice,
}


# --- queries -----------------------------------------------------------------------


class ObligationRow(NamedTuple):
    """One obligation in force: plain data; what it says is decoded when read."""

    resolution: str
    resolution_id: str
    clause: str
    version: int
    obligation: int
    bearer: str
    in_force_from: str
    in_force_until: str | None
    recorded_at: str
    source: str
    ended_how: str | None
    ended_by_date: str | None
    ended_by_item: str | None
    details_json: str

    @property
    def details(self) -> dict[str, Any]:
        return dict(orjson.loads(self.details_json))

    @property
    def summary(self) -> str:
        return str(self.details["summary"])

    @property
    def recurrence(self) -> dict[str, Any]:
        return dict(self.details["recurrence"])

    @property
    def ended_by(self) -> str | None:
        if self.ended_how is None:
            return None
        return f"resolution of {self.ended_by_date}, item {self.ended_by_item}"

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.resolution_id, self.clause, self.version, self.obligation)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        # Read by name as well as position: row["clause"] reads like the JSON it becomes.
        if not isinstance(key, str):
            return tuple.__getitem__(self, key)
        if key in self._fields or key in ("details", "summary", "recurrence", "ended_by",
                                          "key"):
            return getattr(self, key)
        return self.details[key]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``cabinet obligations --json``."""
        details = self.details
        return {
            "resolution": self.resolution, "resolution_id": self.resolution_id,
            "subject": details["subject"], "clause": self.clause,
            "obligation": self.obligation, "bearer": self.bearer,
            "summary": details["summary"], "action": details["action"],
            "recipient": details["recipient"], "system": details["system"],
            "recurrence": details["recurrence"], "in_force_from": self.in_force_from,
            "in_force_until": self.in_force_until, "ended_how": self.ended_how,
            "ended_by": self.ended_by, "source": self.source,
            "recorded_at": self.recorded_at, "version": self.version,
        }


_SELECT = (
    "SELECT o.meeting_date, o.resolution_id, o.clause, o.clause_version, o.obligation_no, "
    "o.bearer, o.eff_from, NULLIF(o.eff_until, ?), o.rec_from, o.source, o.ended_how, "
    f"o.ended_by_date, o.ended_by_item, o.details FROM {{p}}{TABLE} o WHERE "
)


def in_force(cursor: Cursor, on: date, *, agency: str | None = None,
             as_recorded: datetime | None = None) -> list[ObligationRow]:
    """Obligations binding ``agency`` (or anyone) on ``on``, as the register held at a moment.

    In the index's order: bearer, then effective date. Callers that show them
    to people sort them as they like.
    """
    shared = cursor.context.get(SharedDuties) if agency not in (None, ALL) else None
    conditions = ["o.eff_from <= ?", "o.eff_until > ?"]
    params: list[Any] = [OPEN_DATE, day(on), day(on)]
    if agency is not None:
        bearers = (agency,) if shared is not None else (agency, ALL)
        conditions.insert(0, f"o.bearer IN ({', '.join('?' for _ in bearers)})")
        params[1:1] = bearers
    conditions += recorded_at(as_recorded, params, alias="o")
    rows = cursor.execute(_SELECT + " AND ".join(conditions), params).plain_tuples()
    own = [ObligationRow._make(row) for row in rows]
    if shared is None:
        return own
    return own + shared.current(cursor).on(day(on), moment(as_recorded) if as_recorded else None)


class SharedDuties:
    """The duties that bind every agency, held decoded in memory.

    They are part of every agency's answer, the same rows each time, and most
    of its size. They are read again whenever the view has moved on, judged by
    the view's tracked position in the caller's own read transaction, so an
    answer never mixes two states of the register.
    """

    def __init__(self, position_of: Callable[[Cursor], int]) -> None:
        self._position_of = position_of
        self._position = -1
        self._rows: list[tuple[str, str, str, str, ObligationRow]] = []

    def current(self, cursor: Cursor) -> SharedDuties:
        position = self._position_of(cursor)
        if position != self._position:
            found = cursor.execute(
                _SELECT.replace("SELECT ", "SELECT o.eff_until, o.rec_until, ", 1)
                + "o.bearer = ?", (OPEN_DATE, ALL)).plain_tuples()
            self._rows = [(row[2 + 6], row[0], row[2 + 8], row[1], ObligationRow._make(row[2:]))
                          for row in found]
            self._position = position
        return self

    def on(self, on: str, as_recorded: str | None) -> list[ObligationRow]:
        # (eff_from, eff_until, rec_from, rec_until, row)
        if as_recorded is None:
            return [row for eff_from, eff_until, _, rec_until, row in self._rows
                    if eff_from <= on < eff_until and rec_until == OPEN_MOMENT]
        return [row for eff_from, eff_until, rec_from, rec_until, row in self._rows
                if eff_from <= on < eff_until and rec_from <= as_recorded < rec_until]


def by_resolution(rows: list[ObligationRow]) -> list[ObligationRow]:
    """The order people read them in: by resolution, clause and obligation."""
    return sorted(rows, key=lambda r: (r.resolution, r.resolution_id, r.clause, r.obligation))


def recorded_at(as_recorded: datetime | None, params: list[Any], *, alias: str) -> list[str]:
    """Conditions for "as the register held it at ``as_recorded``" (now, if None)."""
    if as_recorded is None:
        params.append(OPEN_MOMENT)
        return [f"{alias}.rec_until = ?"]
    when = moment(as_recorded)
    params += [when, when]
    return [f"{alias}.rec_from <= ?", f"{alias}.rec_until > ?"]


def diff(cursor: Cursor, start: date, end: date, *, agency: str | None = None,
         as_recorded: datetime | None = None) -> dict[str, list[ObligationRow]]:
    """What came into force and what went out of force between two dates."""
    before = {r.key: r for r in in_force(cursor, start, agency=agency, as_recorded=as_recorded)}
    after = {r.key: r for r in in_force(cursor, end, agency=agency, as_recorded=as_recorded)}
    return {
        "came_into_force": by_resolution([r for k, r in after.items() if k not in before]),
        "went_out_of_force": by_resolution([r for k, r in before.items() if k not in after]),
        "unchanged": by_resolution([r for k, r in after.items() if k in before]),
    }
