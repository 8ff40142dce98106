"""Writes of one projection transaction, grouped for ``executemany``.

Inserts are buffered per statement and flushed before any read, so a handler
that reads (to close a version) always sees what earlier events wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.sql import Cursor


class Batch:
    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self._pending: dict[str, list[Sequence[Any]]] = {}

    def insert(self, statement: str, row: Sequence[Any]) -> None:
        self._pending.setdefault(statement, []).append(row)

    def flush(self) -> None:
        for statement, rows in self._pending.items():
            self.cursor.executemany(statement, rows)
        self._pending.clear()

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        self.flush()
        return self.cursor.execute(statement, params)
