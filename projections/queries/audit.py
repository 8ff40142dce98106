"""Answers of the audits: the views rebuilt from the events and compared, the chain checked."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import JsonValue

from projections.queries.reading import Answer, Source


class TableDifference(Answer):
    table: str
    only_live: int
    """Rows in the live view that a rebuild from the events does not make."""
    only_rebuilt: int
    """Rows a rebuild makes that the live view lacks."""
    examples: list[dict[str, JsonValue]]
    """A few of those rows, each with its ``side``."""


class ReplayAnswer(Answer):
    """``cabinet audit replay --json``: every view rebuilt in a scratch store and compared."""

    ok: bool
    events: int
    """Events the rebuild read."""
    rows: dict[str, int]
    """Rows per table of the live view."""
    live_position: int
    rebuilt_position: int
    differences: list[TableDifference]


class VerifyAnswer(Answer):
    """``cabinet audit verify --json``: the chain recomputed over every stored event."""

    ok: bool
    checked: int
    """Events found in their place in the chain."""
    head: str
    """The chain's head after the last good event (hex); keep it to pass as ``expect_head``."""
    problem: str | None
    notification_id: int | None
    """Where the chain breaks, if it does."""


def replay(source: Source, progress: Callable[[int], None] | None = None) -> ReplayAnswer:
    report = source.replay(progress)
    return ReplayAnswer(
        ok=report.ok, events=report.events, rows=report.rows,
        live_position=report.live_position, rebuilt_position=report.rebuilt_position,
        differences=[TableDifference(table=d.table, only_live=d.only_live,
                                     only_rebuilt=d.only_rebuilt, examples=d.examples)
                     for d in report.differences])


def verify(source: Source, *, expect_head: str | None = None) -> VerifyAnswer:
    """Check the chain; with ``expect_head`` (an earlier head), also catch a cut-off tail."""
    report = source.verify()
    problem = report.problem
    if problem is None and expect_head and expect_head.lower() != report.head:
        problem = ("the chain is intact but its head is not the one expected: events were "
                   "removed from the end, or the chain was rebuilt with the key")
    return VerifyAnswer(ok=problem is None, checked=report.checked, head=report.head,
                        problem=problem, notification_id=report.notification_id)
