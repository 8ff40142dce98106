"""Read model: special holidays the cabinet declared, as the register learnt them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.utils import get_topic

from domain.register.directories import HolidayBook
from projections.batch import Batch
from projections.jsontypes import IsoDate, IsoMoment, Row
from projections.model import ReadModel
from projections.sql import Cursor, moment
from projections.stored import EventData, moment_of, source_text

TABLE = "reg_holidays"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        row_id {{serial}}, day TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,
        recorded_at TEXT NOT NULL)""",
]


def on_declared(batch: Batch, event: EventData) -> None:
    batch.insert(
        f"INSERT INTO {{p}}{TABLE} (day, name, source, recorded_at) VALUES (?, ?, ?, ?)",
        (event["day"], event["name"], source_text(event["source"]),
         moment_of(event["timestamp"])))


MODEL = ReadModel(
    name="holidays", tables=(TABLE,), statements=tuple(TABLES),
    handlers={get_topic(HolidayBook.HolidayDeclared): on_declared},
    description="special holidays the cabinet declared")


class HolidayRow(Row):
    day: IsoDate
    name: str
    source: str
    recorded_at: IsoMoment


def declared(cursor: Cursor, as_recorded: datetime | None = None) -> dict[date, str]:
    """Declared holidays the register knew of at ``as_recorded`` (now, if None)."""
    params: tuple[Any, ...] = ()
    where = ""
    if as_recorded is not None:
        where = "WHERE recorded_at <= ?"
        params = (moment(as_recorded),)
    rows = cursor.execute(
        f"SELECT day, name FROM {{p}}{TABLE} {where} ORDER BY recorded_at", params).fetchall()
    return {date.fromisoformat(r["day"]): r["name"] for r in rows}


def listing(cursor: Cursor) -> list[HolidayRow]:
    return [HolidayRow.model_validate(row) for row in cursor.execute(
        f"SELECT day, name, source, recorded_at FROM {{p}}{TABLE} ORDER BY day, recorded_at"
    ).fetchall()]
