"""Reading what is due next: per obligation, its next period, both deadline dates, and the
version of the clause that governs that period.

A period reports on a stretch of time (a month, a fiscal quarter, a fiscal
year; a one-off duty on the time since its version took effect). The version
of the clause in force on the day that stretch begins governs the period,
even when a later version takes effect before its report falls due; a version
that begins part-way through a stretch governs from the next one. A
rescission ends the duty: the period running when it takes effect is still
shown, as not owed when its report would fall due on or after that day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import islice

from pydantic import Field

from domain.paperwork.calendar import HolidayCalendar
from domain.paperwork.fiscal import format_date
from domain.register.recurrence import Deadline, RecurrenceAdapter, deadlines_from
from projections import holidays
from projections.jsontypes import IsoDate, Row, absent_if_none
from projections.obligation_rows import ObligationRow, changed_around, in_force
from projections.sql import Cursor

# The longest stretch a period reports on is a fiscal year, and its report can
# fall due up to a year after it begins; a change further away straddles nothing.
_REACH = timedelta(days=400)
# Periods looked at per version before giving up (a month-by-month duty over a
# long-past amendment is the most it takes).
_MOST_PERIODS = 600


class GovernedBy(Row):
    """Which version of which clause sets this period's due date, and why that one."""

    resolution: IsoDate
    """The meeting date of the resolution whose clause places the duty."""
    clause: str
    version: int
    why: str


class DueRow(Row):
    """One obligation's next period (``cabinet due --json``)."""

    summary: str
    bearer: str
    recipient: str | None
    system: str | None
    resolution: IsoDate
    clause: str
    source: str
    recurrence: str
    """The recurrence in words."""
    period: str
    """The stretch the report is on (a monthly report by the 5th of June is May's)."""
    due: IsoDate
    """The last day by the count (CCC s. 193/3)."""
    deadline: IsoDate
    """After the holiday rule (CCC s. 193/8)."""
    moved_by: str | None = Field(default=None, exclude_if=absent_if_none)
    """Present where ``deadline`` differs from ``due``: which rule moved it, and why."""
    owed: bool = True
    """False only for the last period of a rescinded duty whose report would fall due
    after the duty ended."""
    governed_by: GovernedBy

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.deadline, self.resolution, self.clause)


def next_due(cursor: Cursor, on: date, *, agency: str | None = None,
             as_recorded: datetime | None = None) -> list[DueRow]:
    """By deadline, then resolution and clause; one row per obligation with a period open."""
    calendar = HolidayCalendar(holidays.declared(cursor, as_recorded))
    current = in_force(cursor, on, agency=agency, as_recorded=as_recorded)
    nearby = changed_around(cursor, on, _REACH, agency=agency, as_recorded=as_recorded)
    keys = {_duty(row) for row in current}
    keys |= {_duty(row) for row in nearby if row.in_force_until is not None
             and row.in_force_until <= on.isoformat()}
    best: dict[tuple[str, str, int, str], DueRow] = {}
    for row in current + [r for r in nearby if _duty(r) in keys]:
        found = _next_governed(row, on, calendar)
        if found is None:
            continue
        held = best.get(_duty(row))
        if held is None or (found.deadline, found.governed_by.version) < (
                held.deadline, held.governed_by.version):
            best[_duty(row)] = found
    return sorted(best.values(), key=lambda d: d.order)


def _duty(row: ObligationRow) -> tuple[str, str, int, str]:
    """One duty across the versions of its clause."""
    return (row.resolution_id, row.clause, row.obligation, row.bearer)


def _next_governed(row: ObligationRow, on: date, calendar: HolidayCalendar) -> DueRow | None:
    """The first period this version governs whose deadline is on or after ``on``."""
    details = row.details
    recurrence = RecurrenceAdapter.validate_python(details["recurrence"])
    start = date.fromisoformat(row.in_force_from)
    until = date.fromisoformat(row.in_force_until) if row.in_force_until else None
    for deadline in islice(deadlines_from(recurrence, on, calendar), _MOST_PERIODS):
        begins = deadline.begins or start
        if until is not None and begins >= until:
            return None  # this and later periods are the next version's
        if deadline.deadline < on or (row.version > 1 and begins < start):
            continue  # past, or begun under the version before this one
        owed, why = _why(row, deadline, begins, start, until)
        return DueRow(
            summary=details["summary"], bearer=row.bearer, recipient=details["recipient"],
            system=details["system"], resolution=row.resolution, clause=row.clause,
            source=row.source, recurrence=recurrence.describe(), period=deadline.period,
            due=deadline.due.isoformat(), deadline=deadline.deadline.isoformat(),
            moved_by=deadline.moved_by or None, owed=owed,
            governed_by=GovernedBy(resolution=row.resolution, clause=row.clause,
                                   version=row.version, why=why))
    return None


def _why(row: ObligationRow, deadline: Deadline, begins: date, start: date,
         until: date | None) -> tuple[bool, str]:
    """Whether the period is owed, and why this version governs it."""
    began = (f"the period began on {format_date(begins)}" if deadline.begins
             else f"a one-off duty, set by the version in force from {format_date(start)}")
    why = f"in force when {began}" if deadline.begins else began
    if until is None or deadline.due < until:
        return True, why
    by = row.ended_by or "a later resolution"
    if row.ended_how == "rescinded":
        return False, (f"{why}; rescinded from {format_date(until)} by the {by}, before its "
                       f"report fell due on {format_date(deadline.due)}: not owed")
    return True, (f"{why}; the amendment by the {by} takes effect on {format_date(until)} "
                  "and governs the periods that begin from then on")

