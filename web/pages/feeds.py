"""An agency's ICS feed (``web.ics``) behind a revocable token, and the due-date page's forms
that make and revoke its address.

``GET /feeds/{agency}.ics?token=…`` is read by calendar programs, which send no
session: the token in the address is the credential (``workers.storage.feed_tokens``),
checked by ``web.ics.agency_of_feed_token`` (401 whatever was wrong). The feed holds
the agency's deadlines from a year back (a subscriber sees what just passed) for
two years, or from ``from`` (a day typed as staff write days) for ``months``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from domain import errors
from domain.paperwork.thai_dates import BANGKOK, parse_date
from projections.queries import directories
from web import ics
from web.pages import seams
from web.pages.due import manages_feeds, show_due
from web.services import WebServices
from workers.storage.feed_tokens import FeedTokens

router = APIRouter(include_in_schema=False)
log = structlog.get_logger(__name__)

MOST_MONTHS = 36
DEFAULT_MONTHS = 24


def _tokens(desk: WebServices) -> FeedTokens:
    if desk.credentials is None:
        raise errors.NotFound("this server keeps no feed tokens", field="token")
    return FeedTokens(desk.credentials)


def _feed(desk: WebServices, agency: str, token: str | None, start: str, months: int) -> str:
    code = ics.agency_of_feed_token(_tokens(desk), token, agency)
    today = desk.today()
    first = parse_date(start, field="from") if start.strip() else today - timedelta(days=365)
    return ics.agency_feed(desk.system, code, start=first, months=months,
                           generated_at=datetime.now(BANGKOK))


@router.get("/feeds/{agency}.ics")
async def agency_feed(request: Request, agency: str, token: str | None = None,
                      start: str = Query("", alias="from"),
                      months: int = Query(DEFAULT_MONTHS, ge=1, le=MOST_MONTHS)) -> Response:
    text = await run_in_threadpool(_feed, seams.services(request), agency.upper(), token,
                                   start, months)
    return Response(text, media_type=ics.MEDIA_TYPE,
                    headers={"Content-Disposition": f'inline; filename="{agency}.ics"'})


def _agency_to_manage(request: Request, agency: str) -> str:
    principal = seams.viewer(request)
    code = directories.require_agency(seams.services(request).system, agency, field="agency")
    if not manages_feeds(principal, code):
        raise errors.NotPermitted(f"only {code}'s people and the Secretariat manage {code}'s "
                                  "feed", field="agency")
    return code


def _status(problem: errors.RegisterError) -> int:
    if isinstance(problem, errors.NotPermitted):
        return 403
    return 404 if isinstance(problem, errors.NotFound) else 422


@router.post("/due/{agency}/feed")
async def make_feed(request: Request, agency: str) -> Response:
    """A new feed address for the agency, shown once on the calendar page."""
    principal = seams.viewer(request)
    desk = seams.services(request)
    try:
        await seams.check_csrf(request)
        code = await run_in_threadpool(_agency_to_manage, request, agency)
        issued = await run_in_threadpool(_tokens(desk).issue, principal.username, code)
    except errors.RegisterError as problem:
        return await show_due(request, agency, "", status=_status(problem),
                              feed_problem=problem)
    log.info("feed_token_issued", username=principal.username, agency=code,
             token_id=issued.token_id)
    # The address the subscriber's program will use: the public one when set, else this one.
    base = desk.settings.web.public_url or str(request.base_url)
    url = f"{base.rstrip('/')}/feeds/{code}.ics?token={issued.token}"
    return await show_due(request, code, "", feed_url=url)


@router.post("/due/{agency}/feed/{token_id}/revoke")
async def revoke_feed(request: Request, agency: str, token_id: str) -> Response:
    principal = seams.viewer(request)
    desk = seams.services(request)
    try:
        await seams.check_csrf(request)
        code = await run_in_threadpool(_agency_to_manage, request, agency)
        tokens = _tokens(desk)
        if await run_in_threadpool(tokens.agency_of, token_id) != code:
            raise errors.NotFound(f"no feed {token_id!r} of {code}", field="token")
        await run_in_threadpool(desk.credentials.revoke, token_id)  # type: ignore[union-attr]
    except errors.RegisterError as problem:
        return await show_due(request, agency, "", status=_status(problem),
                              feed_problem=problem)
    log.info("feed_token_revoked", username=principal.username, agency=code, token_id=token_id)
    return RedirectResponse(f"/due/{code}", status_code=303)
