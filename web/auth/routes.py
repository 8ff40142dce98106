"""Signing in and out: the API's token routes and the desk's form routes.

- ``POST /api/login`` {username, password} → an API token; ``POST /api/logout``
  revokes the token (or the session) that signed the request; ``GET /api/me``.
- ``POST /login`` (form: username, password, next) sets the session cookie and
  redirects; ``POST /logout`` (form, with its CSRF token) clears it.

Every refusal of a sign-in says the same thing (401 "username or password is
wrong", or 429 "too many attempts; try again later"), whatever was wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from web.auth.authenticator import RegisterAuthenticator, client_address
from web.auth.csrf import authenticator_of, require_csrf
from web.authentication import current_principal
from web.principal import Principal
from workers.storage.credentials import SignInRefused, TooManyAttempts

router = APIRouter(tags=["sign-in"])
Auth = Annotated[RegisterAuthenticator, Depends(authenticator_of)]
Me = Annotated[Principal, Depends(current_principal)]
RETRY_AFTER = str(15 * 60)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class LoginAnswer(BaseModel):
    token: str
    """Send it as ``Authorization: Bearer <token>``; it is shown only this once."""
    expires_at: datetime
    username: str
    agency: str
    role: str


def _refused(error: SignInRefused | TooManyAttempts) -> HTTPException:
    if isinstance(error, TooManyAttempts):
        return HTTPException(status_code=429, detail=error.message,
                             headers={"Retry-After": RETRY_AFTER})
    return HTTPException(status_code=401, detail=error.message,
                         headers={"WWW-Authenticate": "Bearer"})


@router.post("/api/login", response_model=LoginAnswer)
def api_login(body: LoginRequest, request: Request, auth: Auth) -> LoginAnswer:
    try:
        issued = auth.login(body.username, body.password, client_address(request))
    except (SignInRefused, TooManyAttempts) as error:
        raise _refused(error) from None
    principal = auth.principal_for(issued.username, "password")
    if principal is None:  # revoked between the check and now
        raise _refused(SignInRefused())
    return LoginAnswer(token=issued.token, expires_at=issued.expires_at,
                       username=principal.username, agency=principal.agency,
                       role=principal.role.value)


@router.post("/api/logout", status_code=204, dependencies=[Depends(require_csrf)])
def api_logout(request: Request, me: Me, auth: Auth) -> Response:
    response = Response(status_code=204)
    header = request.headers.get("authorization", "")
    token = header.partition(" ")[2].strip()
    record = auth.credentials.resolve(token, "api") if token else None
    if record is not None:
        auth.credentials.revoke(record.token_id)
    else:
        auth.close_session(request, response)
    return response


@router.get("/api/me", response_model=Principal)
def api_me(me: Me) -> Principal:
    return me


def _local(target: str) -> str:
    """Only a path on this site (no scheme, no host): never an open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/login", include_in_schema=False)
def form_login(request: Request, auth: Auth, username: Annotated[str, Form()],
               password: Annotated[str, Form()],
               next: Annotated[str, Form()] = "/") -> Response:
    try:
        name = auth.credentials.check_password(username, password, client_address(request))
        principal = auth.principal_for(name, "password")
        if principal is None:
            raise SignInRefused()
    except SignInRefused:
        return RedirectResponse("/login?error=wrong", status_code=303)
    except TooManyAttempts:
        return RedirectResponse("/login?error=locked", status_code=303)
    response = RedirectResponse(_local(next), status_code=303)
    auth.open_session(response, principal)
    return response


@router.post("/logout", include_in_schema=False, dependencies=[Depends(require_csrf)])
def form_logout(request: Request, auth: Auth) -> Response:
    response = RedirectResponse("/login", status_code=303)
    auth.close_session(request, response)
    return response
