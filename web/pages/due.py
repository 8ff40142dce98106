"""Due dates: a month's calendar of what an agency owes, by the count and after the holiday
rule (with the reason a date moved), and a link to the agency's ICS feed."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain import errors
from domain.paperwork.thai_dates import parse_date
from projections.due import DueRow
from projections.queries import directories
from projections.queries.due import due
from web.pages import seams
from web.pages.rendering import render

router = APIRouter(include_in_schema=False)

# Each answer gives every obligation's next period from a day; asking again from the day
# after the earliest deadline walks through the month. A month holds at most 31 due days.
_MOST_ASKS = 32


def _month_rows(desk: seams.DeskServices, agency: str, first: date) -> list[DueRow]:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    found: dict[tuple[str, str, str, str], DueRow] = {}
    on = first
    for _ in range(_MOST_ASKS):
        rows = due(desk.system, on, agency=agency).due
        if not rows:
            break
        for row in rows:
            if (first <= date.fromisoformat(row.due) <= last
                    or first <= date.fromisoformat(row.deadline) <= last):
                found[(row.resolution, row.clause, row.period, row.summary)] = row
        earliest = min(date.fromisoformat(row.due) for row in rows)
        if earliest > last:
            break
        on = max(on, earliest) + timedelta(days=1)
    return sorted(found.values(), key=lambda r: (r.deadline, r.clause))


def _weeks(first: date, rows: list[DueRow]) -> list[list[dict[str, Any]]]:
    """The month as weeks of days (Monday first), each day with what falls on it."""
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append([{"day": d, "in_month": d.month == first.month,
                       "due": [r for r in rows if r.due == d.isoformat() == r.deadline],
                       "by_count": [r for r in rows
                                    if r.due == d.isoformat() != r.deadline],
                       "deadline": [r for r in rows
                                    if r.deadline == d.isoformat() != r.due]}
                      for d in week])
    return weeks


def _calendar(desk: seams.DeskServices, agency: str, month: str) -> dict[str, Any]:
    code = directories.require_agency(desk.system, agency, field="agency")
    first = (parse_date(month, field="month") if month.strip() else desk.today()).replace(day=1)
    rows = _month_rows(desk, code, first)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return {"agency": code, "first": first, "rows": rows, "weeks": _weeks(first, rows),
            "previous": previous, "following": following, "ics": seams.ics_url(code)}


@router.get("/due/{agency}")
async def due_page(request: Request, agency: str, month: str = "") -> Response:
    seams.viewer(request)
    try:
        data = await run_in_threadpool(_calendar, seams.services(request), agency, month)
    except errors.InvalidInput as problem:
        return render(request, "error.html", status=422, problem=problem)
    return render(request, "due.html", **data)


@router.get("/due")
async def due_mine(request: Request) -> Response:
    principal = seams.viewer(request)
    return await due_page(request, principal.agency, request.query_params.get("month", ""))
