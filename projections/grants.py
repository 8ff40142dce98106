"""Read model: the role grants of every account, on both time axes.

A row is one grant: the agency and role, the days it is in effect
(``eff_from`` to ``eff_until``, exclusive; open until a later grant or a
revocation ends it) and when the register recorded it and its end. A later
grant effective on or before a grant's first day replaces it wholly (its
period becomes empty), so the day's grant is always the one row in effect.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from projections.batch import Batch
from projections.jsontypes import IsoDate, IsoMoment, Row, absent_if_none
from projections.model import ReadModel
from projections.sql import OPEN_DATE, Cursor, day
from projections.stored import ACCOUNT_GRANTS, EventData, moment_of, source_text

TABLE = "reg_grants"

TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        row_id {{serial}}, username TEXT NOT NULL, agency TEXT NOT NULL, role TEXT NOT NULL,
        eff_from TEXT NOT NULL, eff_until TEXT NOT NULL, recorded_at TEXT NOT NULL,
        granted_by TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL,
        ended_at TEXT, ended_by TEXT, end_source TEXT, end_reason TEXT)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_user ON {{p}}{TABLE} (username, eff_until)",
]
QUERY_INDEXES = (f"CREATE INDEX IF NOT EXISTS {TABLE}_day ON {{p}}{TABLE} (eff_from, eff_until)",)

_COLUMNS = ("username, agency, role, eff_from, eff_until, recorded_at, granted_by, source, "
            "reason, ended_at, ended_by, end_source, end_reason")


def _actor(actor: dict[str, Any]) -> str:
    return f"{actor['agency']}:{actor['role']}"


def on_granted(batch: Batch, event: EventData) -> None:
    _end(batch, event)
    batch.insert(
        f"INSERT INTO {{p}}{TABLE} (username, agency, role, eff_from, eff_until, recorded_at, "
        "granted_by, source, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event["username"], event["agency"], event["role"], event["effective_from"],
         OPEN_DATE, moment_of(event["timestamp"]), _actor(event["actor"]),
         source_text(event["source"]), event["reason"]))


def on_revoked(batch: Batch, event: EventData) -> None:
    _end(batch, event)


def _end(batch: Batch, event: EventData) -> None:
    """End the open grant on the event's effective day (wholly, if it began no earlier)."""
    batch.execute(
        f"UPDATE {{p}}{TABLE} SET eff_until = CASE WHEN eff_from > ? THEN eff_from ELSE ? END, "
        "ended_at = ?, ended_by = ?, end_source = ?, end_reason = ? "
        "WHERE username = ? AND eff_until = ?",
        (event["effective_from"], event["effective_from"], moment_of(event["timestamp"]),
         _actor(event["actor"]), source_text(event["source"]), event["reason"],
         event["username"], OPEN_DATE))


MODEL = ReadModel(
    name="grants", tables=(TABLE,), statements=tuple(TABLES), query_indexes=QUERY_INDEXES,
    handlers={ACCOUNT_GRANTS + "RoleGranted": on_granted,
              ACCOUNT_GRANTS + "RoleRevoked": on_revoked},
    description="accounts' role grants: agency, role, days in effect, document")


class GrantRow(Row):
    username: str
    agency: str
    role: str
    effective_from: IsoDate
    effective_until: IsoDate | None = Field(default=None, exclude_if=absent_if_none)
    """The first day it no longer holds; absent while no end is recorded."""
    recorded_at: IsoMoment
    granted_by: str
    source: str
    """The document the grant rests on."""
    reason: str
    ended_at: IsoMoment | None = Field(default=None, exclude_if=absent_if_none)
    """When the register recorded its end (a revocation or a later grant)."""
    ended_by: str | None = Field(default=None, exclude_if=absent_if_none)
    end_source: str | None = Field(default=None, exclude_if=absent_if_none)
    end_reason: str | None = Field(default=None, exclude_if=absent_if_none)


def _row(found: dict[str, Any]) -> GrantRow:
    until = found["eff_until"]
    return GrantRow(
        username=found["username"], agency=found["agency"], role=found["role"],
        effective_from=found["eff_from"], effective_until=None if until == OPEN_DATE else until,
        recorded_at=found["recorded_at"], granted_by=found["granted_by"],
        source=found["source"], reason=found["reason"], ended_at=found["ended_at"],
        ended_by=found["ended_by"], end_source=found["end_source"],
        end_reason=found["end_reason"])


def in_effect(cursor: Cursor, on: date, username: str | None = None) -> list[GrantRow]:
    """The grants in effect on ``on``: every account's, or one account's (at most one)."""
    where, params = "eff_from <= ? AND eff_until > ?", [day(on), day(on)]
    if username is not None:
        where += " AND username = ?"
        params.append(username)
    rows = cursor.execute(f"SELECT {_COLUMNS} FROM {{p}}{TABLE} WHERE {where} "
                          "ORDER BY username, eff_from", params).fetchall()
    return [_row(r) for r in rows]


def every_grant(cursor: Cursor, username: str | None = None) -> list[GrantRow]:
    """Every grant recorded, by account and first day (an empty period: replaced wholly)."""
    where, params = ("WHERE username = ?", (username,)) if username else ("", ())
    rows = cursor.execute(f"SELECT {_COLUMNS} FROM {{p}}{TABLE} {where} "
                          "ORDER BY username, eff_from, recorded_at", params).fetchall()
    return [_row(r) for r in rows]
