"""Read model: the index of resolutions, found by meeting date or subject."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.batch import Batch
from projections.jsontypes import IsoDate, IsoMoment, Row
from projections.model import ReadModel
from projections.sql import Cursor, day
from projections.stored import RESOLUTION, EventData, moment_of, source_text

TABLE = "reg_resolutions"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        resolution_id TEXT PRIMARY KEY, meeting_date TEXT NOT NULL, subject TEXT NOT NULL,
        effective_from TEXT NOT NULL, source TEXT NOT NULL, source_kind TEXT NOT NULL,
        source_date TEXT NOT NULL, source_issuer TEXT NOT NULL, clause_count INTEGER NOT NULL,
        recorded_at TEXT NOT NULL, notice_number TEXT, notice_date TEXT,
        notice_recorded_at TEXT)""",
]

QUERY_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {{p}}{TABLE} (meeting_date)",
]


def on_recorded(batch: Batch, event: EventData) -> None:
    source = event["source"]
    batch.insert(
        f"INSERT INTO {{p}}{TABLE} (resolution_id, meeting_date, subject, effective_from, "
        "source, source_kind, source_date, source_issuer, clause_count, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event["originator_id"], event["meeting_date"], event["subject"],
         event["effective_from"], source_text(source), source["kind"], source["date"],
         source["issuer"], len(event["clauses"]), moment_of(event["timestamp"])))


def on_notice(batch: Batch, event: EventData) -> None:
    notice = event["notice"]
    batch.execute(
        f"UPDATE {{p}}{TABLE} SET notice_number = ?, notice_date = ?, notice_recorded_at = ? "
        "WHERE resolution_id = ?",
        (source_text(notice), notice["date"], moment_of(event["timestamp"]),
         event["originator_id"]))


MODEL = ReadModel(
    name="resolutions", tables=(TABLE,), statements=tuple(TABLES),
    query_indexes=tuple(QUERY_INDEXES),
    handlers={
        RESOLUTION + "Recorded": on_recorded,
        RESOLUTION + "NoticeRecorded": on_notice,
    },
    description="the index of resolutions by meeting date and subject")


class ResolutionRow(Row):
    """A resolution as the index holds it (``cabinet resolution list --json``)."""

    resolution_id: str
    meeting_date: IsoDate
    subject: str
    effective_from: IsoDate
    source: str
    source_kind: str
    source_date: IsoDate
    source_issuer: str
    clause_count: int
    recorded_at: IsoMoment
    notice_number: str | None
    notice_date: IsoDate | None
    notice_recorded_at: IsoMoment | None

    @property
    def cited_as(self) -> str:
        """The document people cite: the circular once there is one."""
        return self.notice_number or self.source


_COLUMNS = ", ".join(ResolutionRow.model_fields)
ORDER = ("meeting_date", "subject", "resolution_id")
"""The listing's order, and the key a page of it continues after."""


def _rows(cursor: Cursor, where: str, params: tuple[Any, ...]) -> list[ResolutionRow]:
    found = cursor.execute(f"SELECT {_COLUMNS} FROM {{p}}{TABLE} {where}", params).fetchall()
    return [ResolutionRow.model_validate(row) for row in found]


def on_date(cursor: Cursor, meeting_date: date) -> list[ResolutionRow]:
    return _rows(cursor, "WHERE meeting_date = ? ORDER BY subject", (day(meeting_date),))


def by_id(cursor: Cursor, resolution_id: str) -> ResolutionRow | None:
    found = _rows(cursor, "WHERE resolution_id = ?", (resolution_id,))
    return found[0] if found else None


def listing(cursor: Cursor, *, meeting_date: date | None = None,
            after: tuple[str, str, str] | None = None, limit: int | None = None
            ) -> list[ResolutionRow]:
    """Resolutions by meeting date and subject; after a key, and at most ``limit``."""
    conditions: list[str] = []
    params: list[Any] = []
    if meeting_date is not None:
        conditions.append("meeting_date = ?")
        params.append(day(meeting_date))
    if after is not None:
        # Spelt out rather than as a row value, which older SQLite lacks.
        conditions.append("(meeting_date > ? OR (meeting_date = ? AND (subject > ? OR "
                          "(subject = ? AND resolution_id > ?))))")
        params += [after[0], after[0], after[1], after[1], after[2]]
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    where += f"ORDER BY {', '.join(ORDER)}"
    if limit is not None:
        where += " LIMIT ?"
        params.append(limit)
    return _rows(cursor, where, tuple(params))
