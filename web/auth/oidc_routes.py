"""``GET /auth/oidc/start`` and ``GET /auth/oidc/callback``: the web desk's sign-in by
the identity provider.

Between the two, the flow's state, nonce and PKCE verifier travel in a short-lived
cookie signed with the app's secret key (path ``/auth/oidc``, HttpOnly,
SameSite=Lax so that it comes back on the provider's top-level redirect), so no
server-side store is needed and a second app process can finish a flow the first
began. The cookie is cleared at the callback whatever happens: a flow is used once.

What the callback does with a vouched-for person is the app's, passed in
``OidcSignIn``: which agencies the register knows, how the grant the claims
imply is recorded in the register (``record_grant``), how a session is opened.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import jwt
import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.auth.oidc import OidcClient, OidcIdentity, OidcRefused, PendingSignIn, map_claims
from web.principal import Principal

FLOW_COOKIE = "cabinet_oidc_flow"
FLOW_PATH = "/auth/oidc"
FLOW_SECONDS = 600
"""Time to sign in at the provider; a flow older than this starts again."""
CALLBACK_PATH = f"{FLOW_PATH}/callback"

log = structlog.get_logger("web.auth.oidc")


@dataclass(frozen=True)
class OidcSignIn:
    """What the two routes need from the app that mounts them."""

    client: OidcClient
    secret_key: str
    secure_cookies: bool
    known_agencies: Callable[[], Collection[str]]
    record_grant: Callable[[OidcIdentity], None]
    """Make the register's grant for the account match the claims (see
    ``web.auth.oidc_grants``); called before the session opens."""
    open_session: Callable[[Response, Principal], object]


def _seal(pending: PendingSignIn, secret_key: str) -> str:
    return jwt.encode({"state": pending.state, "nonce": pending.nonce,
                       "verifier": pending.verifier,
                       "exp": int(time.time()) + FLOW_SECONDS, "purpose": "oidc-flow"},
                      secret_key, algorithm="HS256")


def _unseal(sealed: str | None, secret_key: str) -> PendingSignIn:
    if not sealed:
        raise OidcRefused("this browser has no sign-in under way (or it took over "
                            f"{FLOW_SECONDS // 60} minutes): start again")
    try:
        body: dict[str, Any] = jwt.decode(sealed, secret_key, algorithms=["HS256"],
                                          options={"require": ["exp"]})
    except jwt.PyJWTError as error:
        raise OidcRefused("the sign-in under way has expired or was altered: "
                            "start again") from error
    if body.get("purpose") != "oidc-flow":
        raise OidcRefused("the sign-in under way was altered: start again")
    return PendingSignIn(state=str(body["state"]), nonce=str(body["nonce"]),
                         verifier=str(body["verifier"]))


def refusal_page(refused: OidcRefused) -> HTMLResponse:
    """A page the person can read, saying why and what to do; no detail of the tokens."""
    body = (
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
        "<title>Sign-in refused</title><main><h1>Sign-in refused</h1>"
        f"<p>{html.escape(refused.reason)}</p>"
        f"<p><a href=\"{FLOW_PATH}/start\">Sign in again</a></p></main></html>")
    return HTMLResponse(body, status_code=refused.status)


def oidc_router(sign_in: OidcSignIn) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(f"{FLOW_PATH}/start")
    def start() -> Response:
        try:
            url, pending = sign_in.client.begin()
        except OidcRefused as refused:
            log.warning("oidc.start_refused", reason=refused.reason)
            return refusal_page(refused)
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(FLOW_COOKIE, _seal(pending, sign_in.secret_key),
                            max_age=FLOW_SECONDS, path=FLOW_PATH, httponly=True,
                            samesite="lax", secure=sign_in.secure_cookies)
        return response

    @router.get(CALLBACK_PATH)
    def callback(request: Request) -> Response:
        query = request.query_params
        try:
            identity = _signed_in(sign_in, request.cookies.get(FLOW_COOKIE), query)
            sign_in.record_grant(identity)
        except OidcRefused as refused:
            log.warning("oidc.sign_in_refused", reason=refused.reason, claim=refused.claim)
            response: Response = refusal_page(refused)
        else:
            principal = Principal(username=identity.username, agency=identity.agency,
                                  role=identity.role, signed_in_by="oidc")
            log.info("oidc.signed_in", user=identity.username, subject=identity.subject,
                     agency=identity.agency, role=identity.role.value)
            response = RedirectResponse("/", status_code=303)
            sign_in.open_session(response, principal)
        response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH, httponly=True, samesite="lax",
                               secure=sign_in.secure_cookies)
        return response

    return router


def _signed_in(sign_in: OidcSignIn, sealed: str | None,
               query: Any) -> OidcIdentity:
    pending = _unseal(sealed, sign_in.secret_key)
    if query.get("error"):
        # The provider's own words about why (the person cancelled, was denied).
        reason = query.get("error_description") or query["error"]
        raise OidcRefused(f"the identity provider did not sign you in: {reason}",
                            status=403)
    code, state = query.get("code"), query.get("state")
    if not code or not state:
        raise OidcRefused("the identity provider's answer lacks its code or state")
    claims = sign_in.client.finish(pending, state=state, code=code, issuer=query.get("iss"))
    return map_claims(claims, sign_in.client.settings, sign_in.known_agencies())
