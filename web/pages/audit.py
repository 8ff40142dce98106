"""The auditor's view: a resolution's full history, and the checks of the log with the
chain head to keep for the next check."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain import errors
from projections.queries import audit, resolutions
from web import services as actions
from web.pages import seams
from web.pages.rendering import render
from web.services import WebServices

router = APIRouter(include_in_schema=False)


def _audit(desk: WebServices, resolution: str, run: str, expect_head: str
           ) -> dict[str, Any]:
    history = None
    if resolution.strip():
        try:
            key = UUID(resolution.strip())
        except ValueError:
            raise errors.ResolutionNotFound(f"no resolution {resolution!r}",
                                            field="resolution") from None
        history = resolutions.history(desk.system, key)
    verified = (audit.verify(desk.system, expect_head=expect_head.strip() or None)
                if run == "verify" else None)
    replayed = audit.replay(desk.system) if run == "replay" else None
    return {"history": history, "verified": verified, "replayed": replayed,
            "listing": resolutions.listing(desk.system).resolutions}


@router.get("/audit")
async def audit_page(request: Request, resolution: str = "", run: str = "",
                     expect_head: str = "") -> Response:
    principal = seams.viewer(request)
    typed = {"resolution": resolution, "expect_head": expect_head}
    try:
        await run_in_threadpool(actions.permit, seams.services(request), principal, "audit",
                                refusals=actions.AUDIT_LOG)
        data = await run_in_threadpool(_audit, seams.services(request), resolution, run,
                                       expect_head)
    except errors.NotPermitted as refusal:
        return render(request, "error.html", status=403, problem=refusal)
    except errors.NotFound as missing:
        return render(request, "error.html", status=404, problem=missing)
    return render(request, "audit.html", typed=typed, **data)
