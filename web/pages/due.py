"""Due dates: a month's calendar of what an agency owes, by the count and after the holiday
rule (with the reason a date moved, ``projections.queries.due.due_between``), and the
addresses of the agency's ICS feed (``web.pages.feeds``)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain import errors
from domain.paperwork.thai_dates import parse_date
from domain.permissions import SECRETARIAT
from projections.due import DueRow
from projections.queries import directories
from projections.queries.due import due_between
from web.pages import seams
from web.pages.rendering import render
from web.principal import Principal
from web.services import WebServices
from workers.storage.credentials import TokenRecord
from workers.storage.feed_tokens import FeedTokens

router = APIRouter(include_in_schema=False)

def _month_rows(desk: WebServices, agency: str, first: date) -> list[DueRow]:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    rows = due_between(desk.system, first, last, agency=agency).due
    return sorted(rows, key=lambda r: (r.deadline, r.clause))


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


def _calendar(desk: WebServices, agency: str, month: str) -> dict[str, Any]:
    code = directories.require_agency(desk.system, agency, field="agency")
    first = (parse_date(month, field="month") if month.strip() else desk.today()).replace(day=1)
    rows = _month_rows(desk, code, first)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return {"agency": code, "first": first, "rows": rows, "weeks": _weeks(first, rows),
            "previous": previous, "following": following, "typed_month": month}


def manages_feeds(principal: Principal, agency: str) -> bool:
    """Who may make or revoke the address of an agency's feed: its own people (the feed
    shows what the agency owes), and the Secretariat, which runs the register."""
    return principal.agency in (agency, SECRETARIAT)


def feed_links(desk: WebServices, principal: Principal, agency: str
               ) -> list[TokenRecord] | None:
    """The agency's live feed addresses (by id: the secret was shown once), or None when the
    viewer may not manage them or the app has no credential store."""
    if desk.credentials is None or not manages_feeds(principal, agency):
        return None
    return FeedTokens(desk.credentials).live(agency)


async def show_due(request: Request, agency: str, month: str, *, status: int = 200,
                   **shown: Any) -> Response:
    """The calendar page, with what a feed action has to show (a new address, once)."""
    principal = seams.viewer(request)
    try:
        data = await run_in_threadpool(_calendar, seams.services(request), agency, month)
    except errors.InvalidInput as problem:
        return render(request, "error.html", status=422, problem=problem)
    feeds = await run_in_threadpool(feed_links, seams.services(request), principal,
                                    data["agency"])
    return render(request, "due.html", status=status, feeds=feeds, **data, **shown)


@router.get("/due/{agency}")
async def due_page(request: Request, agency: str, month: str = "") -> Response:
    return await show_due(request, agency, month)


@router.get("/due")
async def due_mine(request: Request) -> Response:
    principal = seams.viewer(request)
    return await show_due(request, principal.agency, request.query_params.get("month", ""))
