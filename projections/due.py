"""Query: what is due next, per obligation in force, with both deadline dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.paperwork.calendar import HolidayCalendar
from domain.register.recurrence import RecurrenceAdapter, next_deadline
from projections import holidays, obligations
from projections.sql import Cursor


def next_due(cursor: Cursor, on: date, *, agency: str | None = None,
             as_recorded: datetime | None = None) -> list[dict[str, Any]]:
    calendar = HolidayCalendar(holidays.declared(cursor, as_recorded))
    due = []
    for row in obligations.in_force(cursor, on, agency=agency, as_recorded=as_recorded):
        details = row.details
        recurrence = RecurrenceAdapter.validate_python(details["recurrence"])
        deadline = next_deadline(recurrence, on, calendar)
        if deadline is None:
            continue
        until = row.in_force_until
        if until is not None and deadline.due.isoformat() >= until:
            continue  # the duty ends before this period's report falls due
        item = {
            "summary": details["summary"],
            "bearer": row.bearer,
            "recipient": details["recipient"],
            "system": details["system"],
            "resolution": row.resolution,
            "clause": row.clause,
            "source": row.source,
            "recurrence": recurrence.describe(),
            "period": deadline.period,
            "due": deadline.due.isoformat(),
            "deadline": deadline.deadline.isoformat(),
        }
        if deadline.moved_by:
            item["moved_by"] = deadline.moved_by
        due.append(item)
    due.sort(key=lambda d: (d["deadline"], d["resolution"], d["clause"]))
    return due
