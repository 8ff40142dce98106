"""Until the app's factory and sign-in land: the desk's pages on a bare FastAPI app, with
accounts held in memory and a session cookie naming one. Real register, real workflow.

Replaced by ``web.app.create_app`` and ``web.auth`` (same cookie name, same form
fields), after which only ``desk_app`` changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from domain.paperwork.thai_dates import BANGKOK
from web.pages import rendering
from web.pages.seams import SESSION_COOKIE
from web.pages.signin import safe_next
from web.principal import Principal
from workers.bootstrap import RegisterSystem
from workers.settings import Settings
from workflows.desk import ProposalDesk


@dataclass
class Services:
    settings: Settings
    system: RegisterSystem
    desk: ProposalDesk

    def today(self) -> date:
        return datetime.now(BANGKOK).date()

    async def proposal_desk(self) -> ProposalDesk:
        return self.desk


@dataclass
class Sessions:
    accounts: dict[str, tuple[str, Principal]]
    """username → (password, principal)"""
    open: dict[str, Principal] = field(default_factory=dict)

    def from_request(self, request: Request) -> Principal | None:
        return self.open.get(request.cookies.get(SESSION_COOKIE, ""))

    def csrf_token(self, request: Request) -> str | None:
        session = request.cookies.get(SESSION_COOKIE, "")
        if session not in self.open:
            return None
        return hmac.new(b"stand-in", f"csrf:{session}".encode(), hashlib.sha256).hexdigest()


def desk_app(services: Services, sessions: Sessions) -> FastAPI:
    app = FastAPI()
    app.state.services = services
    app.state.authenticator = sessions

    @app.post("/login")
    async def login(username: Annotated[str, Form()], password: Annotated[str, Form()],
                    next: Annotated[str, Form()] = "/") -> Response:
        found = sessions.accounts.get(username)
        if found is None or not secrets.compare_digest(found[0], password):
            return RedirectResponse("/login?error=wrong", status_code=303)
        token = secrets.token_urlsafe(24)
        sessions.open[token] = found[1]
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        sessions.open.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    rendering.install(app)
    return app
