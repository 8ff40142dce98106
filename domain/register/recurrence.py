"""How often a reporting obligation falls due, and its deadlines.

A recurrence yields periods with the date the count gives (``due``). The
deadline is that date moved to the next working day when offices are closed
(Civil and Commercial Code s. 193/8). Counting "N days after" an event never
counts the day of the event itself (s. 193/3), so it is plain date arithmetic.
"""

from __future__ import annotations

# The standard library's calendar, not domain.paperwork.calendar.
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter

from domain.errors import InvalidInput
from domain.paperwork.calendar import HolidayCalendar
from domain.paperwork.fields import ThaiDate
from domain.paperwork.fiscal import (
    MONTH_NAMES,
    fiscal_quarter,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    format_date,
    next_quarter,
    quarter_bounds,
    quarter_label,
)

# A period due before the day asked about can still have its deadline on or
# after it, once rolled past a run of closed days. Thai closures (Songkran with
# bridge days) last under two weeks; this leaves room for declared ones.
_LONGEST_CLOSURE = timedelta(days=60)


class _Recurrence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def describe(self) -> str:
        raise NotImplementedError

    def periods(self, since: date) -> Iterator[tuple[str, date | None, date]]:
        """``(period label, first day it reports on, due date)`` in order, from the first due
        on or after ``since``; the first day is None for a duty that reports on no stretch."""
        raise NotImplementedError


class MonthlyByDay(_Recurrence):
    """Due on a day of every month, reporting on the month before.

    A day the month lacks means its last day. The period is named by the
    month it reports on: the report due by 5 June 2020 is May 2020's.
    """

    kind: Literal["monthly"] = "monthly"
    # StrictInt throughout: lax mode would read True as 1 and "5" as 5.
    day: Annotated[StrictInt, Field(ge=1, le=31)]

    def describe(self) -> str:
        shorter = " (the last day in shorter months)" if self.day > 28 else ""
        return f"monthly, by day {self.day}{shorter}"

    def periods(self, since: date) -> Iterator[tuple[str, date | None, date]]:
        for offset in count():
            index = since.year * 12 + since.month - 1 + offset
            year, month = divmod(index, 12)
            due = date(year, month + 1, min(self.day, monthrange(year, month + 1)[1]))
            if due >= since:
                covered_year, covered = divmod(index - 1, 12)
                yield (f"{MONTH_NAMES[covered]} {covered_year}", date(covered_year, covered + 1, 1),
                       due)


class QuarterlyAfterEnd(_Recurrence):
    """Due a number of days after each fiscal quarter ends."""

    kind: Literal["quarterly"] = "quarterly"
    days_after: Annotated[StrictInt, Field(ge=1, le=366)]

    def describe(self) -> str:
        return f"within {_days(self.days_after)} after each fiscal quarter ends"

    def periods(self, since: date) -> Iterator[tuple[str, date | None, date]]:
        after = timedelta(days=self.days_after)
        fy, quarter = fiscal_quarter(since - after)
        while True:
            first, last = quarter_bounds(fy, quarter)
            due = last + after
            if due >= since:
                yield quarter_label(fy, quarter), first, due
            fy, quarter = next_quarter(fy, quarter)


class AnnualInQuarter(_Recurrence):
    """Due once a fiscal year, by the last day of one of its quarters."""

    kind: Literal["annual"] = "annual"
    quarter: Annotated[StrictInt, Field(ge=1, le=4)]

    def describe(self) -> str:
        return f"once a year, within Q{self.quarter} of the fiscal year"

    def periods(self, since: date) -> Iterator[tuple[str, date | None, date]]:
        for fy in count(fiscal_year(since)):
            due = quarter_bounds(fy, self.quarter)[1]
            if due >= since:
                yield fiscal_year_label(fy), fiscal_year_bounds(fy)[0], due


class OnceBy(_Recurrence):
    """Due once, by a fixed date."""

    kind: Literal["once"] = "once"
    by: ThaiDate

    def describe(self) -> str:
        return f"once, by {format_date(self.by)}"

    def periods(self, since: date) -> Iterator[tuple[str, date | None, date]]:
        if self.by >= since:
            yield self.describe(), None, self.by


class Standing(_Recurrence):
    """A continuing duty that never falls due."""

    kind: Literal["standing"] = "standing"

    def describe(self) -> str:
        return "continuing"

    def periods(self, since: date) -> Iterator[tuple[str, date | None, date]]:
        return iter(())


Recurrence = Annotated[
    MonthlyByDay | QuarterlyAfterEnd | AnnualInQuarter | OnceBy | Standing,
    Field(discriminator="kind"),
]
RecurrenceAdapter: TypeAdapter[Recurrence] = TypeAdapter(
    Recurrence, config=ConfigDict(defer_build=True))


@dataclass(frozen=True, slots=True)
class Deadline:
    """One period's deadline.

    ``due`` is where the count lands; ``deadline`` is the day the period
    really ends; ``moved_by`` explains the difference, None when there is none.
    ``begins`` is the first day of the stretch the period reports on (None
    for a one-off duty): the version of a clause in force that day governs it.
    """

    period: str
    due: date
    deadline: date
    moved_by: str | None
    begins: date | None = None


def next_deadline(
    recurrence: Recurrence, as_of: date, calendar: HolidayCalendar
) -> Deadline | None:
    """The first deadline on or after ``as_of``; None when nothing more falls due.

    A period whose due date has passed is still next while its rolled
    deadline has not.
    """
    upcoming = (d for d in deadlines_from(recurrence, as_of, calendar) if d.deadline >= as_of)
    return next(upcoming, None)


def deadlines_between(
    recurrence: Recurrence, start: date, end: date, calendar: HolidayCalendar
) -> list[Deadline]:
    """Deadlines that fall on ``start``, ``end`` or any day between."""
    if end < start:
        raise InvalidInput(
            f"the range ends ({format_date(end)}) before it starts ({format_date(start)})",
            field="end",
        )
    found = []
    for deadline in deadlines_from(recurrence, start, calendar):
        # Rolling only ever moves a deadline later, so once the count passes
        # the end no later period can land inside the range.
        if deadline.due > end:
            break
        if start <= deadline.deadline <= end:
            found.append(deadline)
    return found


def deadlines_from(recurrence: Recurrence, since: date, calendar: HolidayCalendar
                   ) -> Iterator[Deadline]:
    """Every deadline from those whose count lands near ``since`` on, in order (unending)."""
    for period, begins, due in recurrence.periods(since - _LONGEST_CLOSURE):
        yield _roll(period, begins, due, calendar)


def _roll(period: str, begins: date | None, due: date, calendar: HolidayCalendar) -> Deadline:
    deadline = calendar.next_working_day(due)
    if deadline == due:
        return Deadline(period, due, deadline, None, begins)
    reason = calendar.why_not_working(due)
    # "is a Sunday" but "is New Year's Eve (public holiday)".
    closed = reason if calendar.holiday_name(due) else f"a {reason}"
    moved_by = (
        f"CCC s. 193/8: {format_date(due)} is {closed}; "
        f"the period ends on the next working day, {format_date(deadline)}"
    )
    return Deadline(period, due, deadline, moved_by, begins)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
