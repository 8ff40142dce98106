"""The duties that bind every agency, held in memory by the view for its readers.

They are part of every agency's answer, the same rows each time, and most
of its size. They are read again whenever the view has moved on, judged by
the view's tracked position in the caller's own read transaction, so an
answer never mixes two states of the register; and they are told then
(``obligation_versions.told``: when a cut row's version was recorded, whether
an amendment was retroactive), once per state rather than once per question.

Those held now with no end in sight (almost all) are kept apart, once by the
day they start binding and once by when they were recorded: a question about
a date, as recorded now, takes a slice of the first; as recorded at an
earlier moment, it looks only through the shorter of the two runs that could
hold its rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from domain.paperwork.agencies import ALL
from projections.obligation_rows import READING_ORDER, ObligationRow, select
from projections.obligation_versions import told
from projections.sql import OPEN_DATE, OPEN_MOMENT, Cursor


class _Held(NamedTuple):
    eff_from: str
    eff_until: str
    rec_from: str
    rec_until: str
    row: ObligationRow
    told: ObligationRow


class _Lasting:
    """Rows held now with no end in sight, in one order, with their start and recording
    in lists beside them."""

    def __init__(self, held: list[_Held]) -> None:
        self.rows = ([h.row for h in held], [h.told for h in held])
        """As their columns say, and told."""
        self.starts = [h.eff_from for h in held]
        self.recorded = [h.rec_from for h in held]


class SharedDuties:
    """``obligation_rows.SharedRows``: the rows binding ``ALL``, as of the view's position."""

    def __init__(self, position_of: Callable[[Cursor], int]) -> None:
        self._position_of = position_of
        self._position = -1
        self._by_start = _Lasting([])
        self._by_recording = _Lasting([])
        self._rest: list[_Held] = []
        """The others (ended, or no longer held)."""

    def rows_on(self, cursor: Cursor, on: str, as_recorded: str | None, *,
                told: bool) -> list[ObligationRow]:
        """In force on ``on`` as recorded at a moment (now, if None); nearly in reading
        order (by the day they began, or were recorded)."""
        self._read_if_moved(cursor)
        by_start = self._by_start
        begun = bisect_right(by_start.starts, on)
        if as_recorded is None:
            found = by_start.rows[told][:begun]
            found += [held.told if told else held.row for held in self._rest
                      if held.rec_until == OPEN_MOMENT and held.eff_from <= on < held.eff_until]
            return found
        # Those begun by then and recorded by then: the shorter of the two runs,
        # picked out by the other condition.
        by_recording = self._by_recording
        recorded = bisect_right(by_recording.recorded, as_recorded)
        if begun <= recorded:
            found = [row for row, at in zip(by_start.rows[told][:begun],
                                            by_start.recorded[:begun], strict=True)
                     if at <= as_recorded]
        else:
            found = [row for row, start in zip(by_recording.rows[told][:recorded],
                                               by_recording.starts[:recorded], strict=True)
                     if start <= on]
        found += [held.told if told else held.row for held in self._rest
                  if held.rec_from <= as_recorded < held.rec_until
                  and held.eff_from <= on < held.eff_until]
        return found

    def _read_if_moved(self, cursor: Cursor) -> None:
        position = self._position_of(cursor)
        if position == self._position:
            return
        found = cursor.execute(
            select(cursor).replace("SELECT ", "SELECT o.eff_until, o.rec_until, ", 1)
            + "o.bearer = ?", (OPEN_DATE, ALL)).plain_tuples()
        rows = [ObligationRow._make(row[2:]) for row in found]
        held = [_Held(row.in_force_from, eff_until, row.recorded_at, rec_until, row, told_row)
                for (eff_until, rec_until, *_), row, told_row
                in zip(found, rows, told(cursor, rows), strict=True)]
        lasting = [h for h in held if h.rec_until == OPEN_MOMENT and h.eff_until == OPEN_DATE]
        self._by_start = _Lasting(sorted(
            lasting, key=lambda h: (h.eff_from, READING_ORDER(h.row))))
        self._by_recording = _Lasting(sorted(
            lasting, key=lambda h: (h.rec_from, READING_ORDER(h.row))))
        self._rest = [h for h in held
                      if not (h.rec_until == OPEN_MOMENT and h.eff_until == OPEN_DATE)]
        self._position = position
