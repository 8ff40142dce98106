"""Read model: special holidays the cabinet declared, as the register learnt them.

A revoked or moved holiday's row is kept and marked withdrawn when the
correction was recorded (a move adds the new day's row), so answers "as
recorded" at an earlier moment still see the holidays known then.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from projections.batch import Batch
from projections.jsontypes import IsoDate, IsoMoment, Row, absent_if_none
from projections.model import ReadModel
from projections.sql import Cursor, moment
from projections.stored import HOLIDAY_BOOK, EventData, moment_of, source_text

TABLE = "reg_holidays"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        row_id {{serial}}, day TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,
        recorded_at TEXT NOT NULL, moved_from TEXT, withdrawn_at TEXT)""",
]

_INSERT = (f"INSERT INTO {{p}}{TABLE} (day, name, source, recorded_at, moved_from) "
           "VALUES (?, ?, ?, ?, ?)")


def on_declared(batch: Batch, event: EventData) -> None:
    batch.insert(_INSERT, (event["day"], event["name"], source_text(event["source"]),
                           moment_of(event["timestamp"]), None))


def on_revoked(batch: Batch, event: EventData) -> None:
    _withdraw(batch, event["day"], moment_of(event["timestamp"]))


def on_moved(batch: Batch, event: EventData) -> None:
    at = moment_of(event["timestamp"])
    row = batch.execute(
        f"SELECT name FROM {{p}}{TABLE} WHERE day = ? AND withdrawn_at IS NULL "
        "ORDER BY recorded_at DESC", (event["day"],)).fetchone()
    _withdraw(batch, event["day"], at)
    name = row["name"] if row is not None else ""
    batch.insert(_INSERT, (event["to"], name, source_text(event["source"]), at, event["day"]))


def _withdraw(batch: Batch, day: str, at: str) -> None:
    batch.execute(f"UPDATE {{p}}{TABLE} SET withdrawn_at = ? WHERE day = ? "
                  "AND withdrawn_at IS NULL", (at, day))


MODEL = ReadModel(
    name="holidays", tables=(TABLE,), statements=tuple(TABLES),
    handlers={HOLIDAY_BOOK + "HolidayDeclared": on_declared,
              HOLIDAY_BOOK + "HolidayRevoked": on_revoked,
              HOLIDAY_BOOK + "HolidayMoved": on_moved},
    description="special holidays the cabinet declared, revoked and moved")


class HolidayRow(Row):
    day: IsoDate
    name: str
    source: str
    """The document that declared it, or that moved it to this day."""
    recorded_at: IsoMoment
    moved_from: IsoDate | None = Field(default=None, exclude_if=absent_if_none)


def _in_force(as_recorded: datetime | None) -> tuple[str, tuple[Any, ...]]:
    if as_recorded is None:
        return "WHERE withdrawn_at IS NULL", ()
    at = moment(as_recorded)
    return "WHERE recorded_at <= ? AND (withdrawn_at IS NULL OR withdrawn_at > ?)", (at, at)


def declared(cursor: Cursor, as_recorded: datetime | None = None) -> dict[date, str]:
    """Declared holidays in force as the register knew them at ``as_recorded`` (now, if None)."""
    where, params = _in_force(as_recorded)
    rows = cursor.execute(
        f"SELECT day, name FROM {{p}}{TABLE} {where} ORDER BY recorded_at", params).fetchall()
    return {date.fromisoformat(r["day"]): r["name"] for r in rows}


def listing(cursor: Cursor, year: int | None = None) -> list[HolidayRow]:
    """Declared holidays in force now, by day; of one year if ``year`` is given."""
    where, params = _in_force(None)
    if year is not None:
        where += " AND day >= ? AND day <= ?"
        params = (f"{year:04d}-01-01", f"{year:04d}-12-31")
    rows = cursor.execute(
        f"SELECT day, name, source, recorded_at, moved_from FROM {{p}}{TABLE} {where} "
        "ORDER BY day, recorded_at", params).fetchall()
    return [HolidayRow.model_validate(row) for row in rows]
