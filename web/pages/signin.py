"""The sign-in page: its form posts to the sign-in route (``POST /login``); where an
identity provider is configured, a link starts its sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.pages import seams
from web.pages.rendering import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: a link cannot send a person elsewhere after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
async def sign_in_page(request: Request, next: str = "/", error: str = "") -> Response:
    # The sign-in route sends back ``error=wrong`` (any wrong credential, the same words
    # whatever was wrong) or ``error=locked`` (too many attempts).
    failed = {"wrong": "sign_in_wrong", "locked": "sign_in_locked"}.get(error)
    return render(request, "signin.html", next=safe_next(next), failed=failed,
                  oidc=seams.oidc_configured(request))
