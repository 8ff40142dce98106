"""Audit: rebuild the views from the events and compare; verify the event chain."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.application import Application

from projections.runner import CatchUp
from projections.sql import Cursor
from projections.view import VIEW_TABLES, RegisterView
from workers.storage.ledger import GENESIS, link


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


# --- the chain --------------------------------------------------------------------


class LedgeredRecorder(Protocol):
    ledger_key: bytes

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Any = (), *, inclusive_of_start: bool = True) -> Any: ...

    def select_ledger(self, start: int, limit: int) -> list[Any]: ...


@dataclass
class VerifyReport:
    checked: int
    head: str
    problem: str | None = None
    notification_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stream(fetch: Callable[[int, int], list[Any]], batch: int) -> Iterator[Any]:
    start = 1
    while True:
        rows = fetch(start, batch)
        if not rows:
            return
        yield from rows
        start = rows[-1][0] + 1 if isinstance(rows[-1], tuple) else rows[-1].id + 1


def verify(recorder: LedgeredRecorder, batch: int = 5000) -> VerifyReport:
    """Walk the log and the chain together; name the first event that does not fit."""
    events = _stream(lambda s, n: list(recorder.select_notifications(start=s, limit=n)), batch)
    ledger = _stream(recorder.select_ledger, batch)
    previous = GENESIS
    checked = 0
    event = next(events, None)
    sealed = next(ledger, None)
    while event is not None or sealed is not None:
        if sealed is None or (event is not None and event.id < sealed.notification_id):
            assert event is not None
            return _broken(checked, previous, event.id,
                           f"event {event.id} ({_who(event)}) is not in the chain: "
                           "it was inserted behind the register's back")
        if event is None or sealed.notification_id < event.id:
            return _broken(checked, previous, sealed.notification_id,
                           f"event {sealed.notification_id} (aggregate {sealed.originator_id} "
                           f"v{sealed.originator_version}) was deleted")
        if (_hex(event.originator_id), event.originator_version) != (
                sealed.originator_id, sealed.originator_version):
            return _broken(checked, previous, event.id,
                           f"event {event.id} is now {_who(event)} but the chain sealed "
                           f"aggregate {sealed.originator_id} v{sealed.originator_version} "
                           "there: events were reordered or replaced")
        expected = link(recorder.ledger_key, previous, event.id, event.originator_id,
                        event.originator_version, event.topic, event.state)
        if expected != sealed.link:
            return _broken(checked, previous, event.id,
                           f"event {event.id} ({_who(event)}) was edited after it was "
                           "recorded, or its chain link was")
        previous = expected
        checked += 1
        event = next(events, None)
        sealed = next(ledger, None)
    return VerifyReport(checked=checked, head=previous.hex())


def _broken(checked: int, previous: bytes, notification_id: int, problem: str) -> VerifyReport:
    return VerifyReport(checked=checked, head=previous.hex(), problem=problem,
                        notification_id=notification_id)


def _hex(originator_id: Any) -> str:
    return originator_id.hex if hasattr(originator_id, "hex") and not isinstance(
        originator_id, str) else str(originator_id).replace("-", "")


def _who(event: Any) -> str:
    return f"{event.topic.rsplit(':', 1)[-1]} of aggregate {_hex(event.originator_id)} " \
           f"v{event.originator_version}"
