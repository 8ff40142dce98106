"""Rules in force: obligations on a day (and as recorded at a moment), a compare of two
days, and each resolution's page with its clauses' status and what changed them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain import errors
from domain.paperwork.thai_dates import parse_date, parse_datetime
from projections.queries import directories, obligations, resolutions
from web.pages import seams
from web.pages.rendering import render
from web.services import WebServices

router = APIRouter(include_in_schema=False)


def _day(text: str, field: str, default: date) -> date:
    return parse_date(text, field=field) if text.strip() else default


def _moment(text: str, field: str) -> datetime | None:
    return parse_datetime(text, field=field) if text.strip() else None


def _rules(desk: WebServices, at: str, agency: str, as_recorded: str,
           compare: str) -> dict[str, Any]:
    on = _day(at, "at", desk.today())
    recorded = _moment(as_recorded, "as_recorded")
    code = directories.require_agency(desk.system, agency, field="agency") if agency else None
    answer = obligations.in_force(desk.system, on, agency=code, as_recorded=recorded)
    diff = None
    if compare.strip():
        other = _day(compare, "compare", on)
        start, end = sorted((on, other))
        diff = obligations.diff(desk.system, start, end, agency=code, as_recorded=recorded)
    return {"answer": answer, "diff": diff,
            "agencies": directories.agencies(desk.system).agencies}


@router.get("/rules")
async def rules_page(request: Request, at: str = "", agency: str = "", as_recorded: str = "",
                     compare: str = "") -> Response:
    seams.viewer(request)
    typed = {"at": at, "agency": agency, "as_recorded": as_recorded, "compare": compare}
    try:
        data = await run_in_threadpool(_rules, seams.services(request), at, agency,
                                       as_recorded, compare)
    except errors.InvalidInput as problem:
        return render(request, "rules.html", status=422, problem=problem, typed=typed,
                      answer=None, diff=None, agencies=[])
    return render(request, "rules.html", typed=typed, **data)


def _resolution(desk: WebServices, resolution_id: str, at: str) -> dict[str, Any]:
    try:
        key = UUID(resolution_id)
    except ValueError:
        raise errors.ResolutionNotFound(f"no resolution {resolution_id!r}",
                                        field="resolution") from None
    on = _day(at, "at", desk.today())
    shown = resolutions.show(desk.system, key, on=on)
    history = resolutions.history(desk.system, key)
    # What this resolution's clauses rescinded or amended, as recorded with them.
    changed = []
    for number, record in desk.system.register.resolution(key).clauses.items():
        clause = record.versions[0].clause
        changed += [(number, "ended_by", target.resolution.date, target.clauses)
                    for target in clause.rescinds]
        changed += [(number, "amended_by", target.resolution.date, (target.clause,))
                    for target in clause.amends]
    named = {day for _, _, day, _ in changed} | {
        date.fromisoformat(found) for c in shown.clauses for text in (c.amended_by, c.ended_by)
        if text for found in _NAMED_DATE.findall(text)}
    return {"resolution": shown, "history": history, "on": on, "changed": changed,
            "links": _ids_by_date(desk, named)}


_NAMED_DATE = re.compile(r"resolution of (\d{4}-\d{2}-\d{2})")


def _ids_by_date(desk: WebServices, days: set[date]) -> dict[str, str]:
    """The resolution each meeting date names, where that date holds exactly one."""
    found = {}
    for day in days:
        listed = resolutions.listing(desk.system, meeting_date=day, limit=2).resolutions
        if len(listed) == 1:
            found[day.isoformat()] = listed[0].resolution_id
    return found


@router.get("/resolutions/{resolution_id}")
async def resolution_page(request: Request, resolution_id: str, at: str = "") -> Response:
    seams.viewer(request)
    try:
        data = await run_in_threadpool(_resolution, seams.services(request), resolution_id, at)
    except errors.NotFound as missing:
        return render(request, "error.html", status=404, problem=missing)
    except errors.InvalidInput as problem:
        return render(request, "error.html", status=422, problem=problem)
    return render(request, "resolution.html", typed={"at": at}, **data)
