"""Closing versions on two time axes.

A row says "from eff_from until eff_until this held, and the register held
that from rec_from until rec_until". When a later event ends a clause on
day D, recorded at R, the current rows that reach past D are not edited in
place: their recorded interval closes at R, and a copy that ends at D is
recorded from R. Asking "as recorded at T" before R still finds the old row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.batch import Batch
from projections.sql import OPEN_MOMENT


@dataclass(frozen=True)
class Ending:
    how: str
    """``rescinded`` or ``amended``."""
    by: str
    by_date: str
    by_item: str
    source: str | None


def cut(batch: Batch, table: str, resolution_id: str, clause: str, effective: str,
        recorded: str, ending: Ending) -> str | None:
    """End the clause's current rows on ``effective``; return the latest end they had."""
    rows = batch.execute(
        f"SELECT * FROM {{p}}{table} WHERE resolution_id = ? AND clause = ? "
        "AND rec_until = ? AND eff_until > ?",
        (resolution_id, clause, OPEN_MOMENT, effective),
    ).fetchall()
    latest_end: str | None = None
    for row in rows:
        batch.execute(f"UPDATE {{p}}{table} SET rec_until = ? WHERE row_id = ?",
                      (recorded, row["row_id"]))
        latest_end = max(latest_end or row["eff_until"], row["eff_until"])
        if row["eff_from"] < effective:
            _insert_copy(batch, table, row, {
                "eff_until": effective, "rec_from": recorded, "rec_until": OPEN_MOMENT,
                "ended_how": ending.how, "ended_by": ending.by, "ended_by_date": ending.by_date,
                "ended_by_item": ending.by_item, "ended_source": ending.source,
            })
    return latest_end


def _insert_copy(batch: Batch, table: str, row: dict[str, Any], changes: dict[str, Any]) -> None:
    values = {k: v for k, v in row.items() if k != "row_id"}
    values.update(changes)
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    batch.execute(f"INSERT INTO {{p}}{table} ({columns}) VALUES ({marks})", tuple(values.values()))
