"""The CSRF check: every unsafe request signed in by the session cookie carries the token.

The token is bound to the session (``RegisterAuthenticator.csrf_for``) and sent as
the form field ``csrf_token`` or the header ``X-CSRF-Token``. Requests with an
``Authorization`` header are judged by it alone and need none: a cross-site
page can make a browser send cookies, never a header.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from web.auth.authenticator import SESSION_COOKIE, RegisterAuthenticator

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class CsrfRefused(HTTPException):
    """403: a cookie-signed unsafe request without its session's CSRF token."""

    field = CSRF_FIELD

    def __init__(self) -> None:
        super().__init__(status_code=403, detail="the request's CSRF token is missing or "
                         "wrong; reload the page and try again")


def authenticator_of(request: Request) -> RegisterAuthenticator:
    found = request.app.state.authenticator
    if not isinstance(found, RegisterAuthenticator):
        raise TypeError("app.state.authenticator is not a RegisterAuthenticator")
    return found


async def require_csrf(request: Request) -> None:
    """FastAPI dependency: refuse (403) a cookie-authenticated unsafe request whose CSRF
    token is missing or wrong. Put it on every router that takes unsafe requests."""
    if request.method in SAFE_METHODS or "authorization" in request.headers:
        return
    if SESSION_COOKIE not in request.cookies:
        return  # no cookie, no ambient credential to abuse; the route's sign-in check decides
    expected = authenticator_of(request).csrf_token(request)
    if expected is None:
        return  # the cookie names no live session: it signs nobody in (401 where needed)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if given is None or not hmac.compare_digest(given, expected):
        raise CsrfRefused()
