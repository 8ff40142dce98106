"""Read model: the index of resolutions, found by meeting date or subject."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from eventsourcing.utils import get_topic

from domain.register.resolution import Resolution
from projections.batch import Batch
from projections.sql import Cursor, day
from projections.stored import EventData, moment_of, source_text

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


HANDLERS: dict[str, Callable[[Batch, EventData], None]] = {
    get_topic(Resolution.Recorded): on_recorded,
    get_topic(Resolution.NoticeRecorded): on_notice,
}


def on_date(cursor: Cursor, meeting_date: date) -> list[dict[str, Any]]:
    return cursor.execute(
        f"SELECT * FROM {{p}}{TABLE} WHERE meeting_date = ? ORDER BY subject",
        (day(meeting_date),)).fetchall()


def by_id(cursor: Cursor, resolution_id: str) -> dict[str, Any] | None:
    return cursor.execute(f"SELECT * FROM {{p}}{TABLE} WHERE resolution_id = ?",
                          (resolution_id,)).fetchone()
