"""Search: by letter number (as written, any digits), subject and clause text."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain.paperwork.thai_dates import to_arabic_digits
from projections.queries import proposals, resolutions
from web.pages import seams
from web.pages.rendering import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Found:
    title: str
    url: str
    detail: str


def _folded(text: str) -> str:
    return "".join(to_arabic_digits(text).split()).lower()


def find(desk: seams.DeskServices, query: str) -> list[Found]:
    """Until the register's own search lands: a substring match (Thai has no spaces between
    words) over resolutions' subjects and numbers and proposals' titles, digits folded."""
    wanted = _folded(query)
    found = []
    for row in resolutions.listing(desk.system).resolutions:
        if wanted in _folded(f"{row.subject} {row.source} {row.notice_number or ''}"):
            found.append(Found(row.subject, f"/resolutions/{row.resolution_id}", row.cited_as))
    for proposal in proposals.board(desk.system, desk.today(), include_closed=True).proposals:
        if wanted in _folded(proposal.title):
            found.append(Found(proposal.title, f"/proposals/{proposal.workflow_id}",
                               proposal.stage))
    return found


@router.get("/search")
async def search_page(request: Request, q: str = "") -> Response:
    seams.viewer(request)
    results = (await run_in_threadpool(find, seams.services(request), q)) if q.strip() else []
    return render(request, "search.html", q=q, results=results)
