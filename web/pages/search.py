"""Search: by letter number (as written, any digits), subject and clause text
(``projections.queries.search.find``: substring search, which Thai needs)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain import errors
from projections.queries.search import find
from web.pages import seams
from web.pages.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/search")
async def search_page(request: Request, q: str = "", after: str | None = None) -> Response:
    seams.viewer(request)
    if not q.strip():
        return render(request, "search.html", q=q, answer=None, problem=None)
    try:
        answer = await run_in_threadpool(find, seams.services(request).system, q,
                                         after=after)
    except errors.InvalidInput as problem:
        return render(request, "search.html", status=422, q=q, answer=None, problem=problem)
    return render(request, "search.html", q=q, answer=answer, problem=None)
