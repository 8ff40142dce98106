"""What an obligation row's own columns do not say about its version, told before it is shown.

A row is cut (its recorded stretch closed and a shortened copy recorded) when a
later resolution ends its clause, so a cut row's own ``rec_from`` is when the
cut was recorded, not when its version was. And a version begun by an
amendment is retroactive when the amendment took effect before the amending
resolution's meeting; the row names that resolution, not its date. Both are
read here for the few rows that need it (cut, or begun by an amendment), so
the rows of a plain answer cost nothing more.
"""

from __future__ import annotations

from typing import Any

import orjson

from projections.obligation_rows import TABLE, ObligationRow
from projections.resolutions import TABLE as RESOLUTIONS
from projections.sql import Cursor


def told(cursor: Cursor, rows: list[ObligationRow]) -> list[ObligationRow]:
    """``rows``, in their order, each saying when its version was recorded, and whether
    the amendment that began it was retroactive."""
    # An answer runs to thousands of rows and only a few need telling: the loop
    # over them all only picks those out.
    special = [i for i, row in enumerate(rows) if row.ended_how is not None or row.version > 1]
    if not special:
        return rows
    first = _first_recorded(cursor, {rows[i].resolution_id for i in special
                                     if rows[i].ended_how is not None})
    amended_on = _amended_on(cursor, {rows[i].resolution_id for i in special
                                      if rows[i].version > 1})
    result = list(rows)
    for i in special:
        row = rows[i]
        changes: dict[str, Any] = {}
        recorded = first.get((row.resolution_id, row.clause, row.version, row.obligation))
        if row.ended_how is not None and recorded is not None:
            changes["recorded_at"] = recorded
        meeting = amended_on.get((row.resolution_id, row.clause, row.version))
        if meeting is not None and row.in_force_from < meeting:
            changes["details_json"] = orjson.dumps({**row.details, "retroactive": True})
        if changes:
            result[i] = row._replace(**changes)
    return result


def _first_recorded(cursor: Cursor, resolution_ids: set[str]
                    ) -> dict[tuple[str, str, int, int], str]:
    if not resolution_ids:
        return {}
    marks = ", ".join("?" for _ in resolution_ids)
    found = cursor.execute(
        "SELECT resolution_id, clause, clause_version, obligation_no, MIN(rec_from) AS first "
        f"FROM {{p}}{TABLE} WHERE resolution_id IN ({marks}) "
        "GROUP BY resolution_id, clause, clause_version, obligation_no",
        sorted(resolution_ids)).fetchall()
    return {(f["resolution_id"], f["clause"], f["clause_version"], f["obligation_no"]):
            f["first"] for f in found}


def _amended_on(cursor: Cursor, resolution_ids: set[str]) -> dict[tuple[str, str, int], str]:
    """The meeting date of the resolution that began each amended version."""
    if not resolution_ids:
        return {}
    marks = ", ".join("?" for _ in resolution_ids)
    found = cursor.execute(
        "SELECT DISTINCT o.resolution_id, o.clause, o.clause_version, r.meeting_date "
        f"FROM {{p}}{TABLE} o JOIN {{p}}{RESOLUTIONS} r "
        "ON r.resolution_id = o.source_resolution_id "
        f"WHERE o.resolution_id IN ({marks}) AND o.clause_version > 1",
        sorted(resolution_ids)).fetchall()
    return {(f["resolution_id"], f["clause"], f["clause_version"]): f["meeting_date"]
            for f in found}
