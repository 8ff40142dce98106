"""Audit: rebuild the views from the events and compare them with the live views.

The event chain's verifier is the store's: workers/storage/verify.py.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application

from projections.runner import CatchUp
from projections.sql import Cursor
from projections.view import VIEW_TABLES, RegisterView


@dataclass
class TableDifference:
    table: str
    only_live: int
    only_rebuilt: int
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReplayReport:
    events: int
    live_position: int
    rebuilt_position: int
    differences: list[TableDifference]
    rows: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.differences and self.live_position == self.rebuilt_position


Comparer = Callable[[str, list[str]], TableDifference | None]


def replay(app: Application[Any], live: RegisterView, scratch: RegisterView,
           compare: Comparer, progress: Callable[[int], None] | None = None) -> ReplayReport:
    """Rebuild every view into ``scratch`` from the log; compare it with ``live``."""
    CatchUp(app, live).run()
    # The live side's digests do not depend on the rebuild: read them meanwhile.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-digest") as pool:
        live_digests = pool.submit(_digests, live, app.name)
        events = CatchUp(app, scratch, batch_size=5000, progress=progress).run()
        live_position, live_by_table = live_digests.result()
    differences = []
    rows = {}
    for table in VIEW_TABLES:
        columns, live_digest = live_by_table[table]
        with scratch.reading() as scratch_cursor:
            rebuilt_digest = digest(scratch_cursor, table, columns)
        rows[table] = live_digest[0]
        if live_digest != rebuilt_digest:
            # Only now pay for a row-by-row comparison, to show what differs.
            differences.append(compare(table, columns) or TableDifference(
                table, live_digest[0], rebuilt_digest[0]))
    return ReplayReport(events=events, live_position=live_position,
                        rebuilt_position=scratch.position(app.name),
                        differences=differences, rows=rows)


def _digests(view: RegisterView, application_name: str
             ) -> tuple[int, dict[str, tuple[list[str], tuple[int, int]]]]:
    """Every table's columns and digest, and the position they reflect, in one snapshot."""
    with view.reading() as cursor:
        position = view.position_in(cursor, application_name)
        by_table = {}
        for table in VIEW_TABLES:
            columns = _columns(cursor, table)
            by_table[table] = (columns, digest(cursor, table, columns))
    return position, by_table


def digest(cursor: Cursor, table: str, columns: list[str]) -> tuple[int, int]:
    """Row count and an order-free digest of the rows (the same multiset, the same digest).

    Python's string hash is keyed afresh in every process, so nobody can plan
    edits that cancel out in a digest they cannot compute in advance.
    """
    total = 0
    count = 0
    for rows in cursor.batches(f"SELECT {', '.join(columns)} FROM {{p}}{table}"):
        total = (total + sum(map(hash, rows))) & 0xFFFFFFFFFFFFFFFF
        count += len(rows)
    return count, total


def _columns(cursor: Cursor, table: str) -> list[str]:
    # Surrogate row ids depend on insert history, not on the events: leave them out.
    return [n for n in cursor.columns(table) if n != "row_id"]


def except_query(left: str, right: str, table: str, columns: list[str]) -> str:
    cols = ", ".join(columns)
    return f"SELECT {cols} FROM {left}{table} EXCEPT SELECT {cols} FROM {right}{table}"


def compare_with_sql(cursor: Cursor, live_prefix: str, scratch_prefix: str) -> Comparer:
    """A comparer for two sets of tables one connection can see (schemas, attached files)."""
    def compare(table: str, columns: list[str]) -> TableDifference | None:
        only_live = cursor.execute(
            except_query(live_prefix, scratch_prefix, table, columns)).fetchall()
        only_rebuilt = cursor.execute(
            except_query(scratch_prefix, live_prefix, table, columns)).fetchall()
        if not only_live and not only_rebuilt:
            return None
        examples = [{"side": "live", **r} for r in only_live[:3]] + [
            {"side": "rebuilt", **r} for r in only_rebuilt[:3]]
        return TableDifference(table, len(only_live), len(only_rebuilt), examples)
    return compare
