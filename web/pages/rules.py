"""Rules in force: obligations on a day (and as recorded at a moment), a compare of two
days, and each resolution's page with its clauses' status and what changed them."""

from __future__ import annotations

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

router = APIRouter(include_in_schema=False)


def _day(text: str, field: str, default: date) -> date:
    return parse_date(text, field=field) if text.strip() else default


def _moment(text: str, field: str) -> datetime | None:
    return parse_datetime(text, field=field) if text.strip() else None


def _rules(desk: seams.DeskServices, at: str, agency: str, as_recorded: str,
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


def _resolution(desk: seams.DeskServices, resolution_id: str, at: str) -> dict[str, Any]:
    try:
        key = UUID(resolution_id)
    except ValueError:
        raise errors.ResolutionNotFound(f"no resolution {resolution_id!r}",
                                        field="resolution") from None
    on = _day(at, "at", desk.today())
    shown = resolutions.show(desk.system, key, on=on)
    history = resolutions.history(desk.system, key)
    return {"resolution": shown, "history": history, "on": on}


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
