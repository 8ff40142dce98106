"""Who sent a request: a bearer token, or the desk's session cookie, and the grant it holds.

A credential only says which account is asking (``workers.storage.credentials``);
what the account may do is the grant the register holds for it today
(``projections.queries.grants``). A revoked grant, or a revoked or expired
token, signs nobody in. A request with an ``Authorization`` header is judged
by that header alone, never by a cookie beside it: so a bearer request needs
no CSRF token, and a cookie request always does (``csrf``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date

import structlog
from fastapi import Request, Response

from domain.permissions import Role
from projections.queries.grants import held_grant, today
from projections.queries.reading import Source
from web.auth.startup import cookies_secure, serving_secret
from web.principal import Principal, SignedInBy
from workers.settings import Settings
from workers.storage.credentials import CredentialStore, IssuedToken, SignInRefused

log = structlog.get_logger(__name__)

SESSION_COOKIE = "cabinet_session"


def client_address(request: Request) -> str:
    """The peer's address (a proxy in front must be trusted explicitly; none is here)."""
    return request.client.host if request.client else "unknown"


class RegisterAuthenticator:
    """``web.authentication.Authenticator`` over the credential store and the grants view."""

    def __init__(self, settings: Settings, source: Source, credentials: CredentialStore, *,
                 today: Callable[[], date] = today) -> None:
        self.settings = settings
        self.source = source
        self.credentials = credentials
        self.today = today
        self.secret = serving_secret(settings)
        self.secure_cookies = cookies_secure(settings)

    # --- who is asking -----------------------------------------------------------------

    def principal_for(self, username: str, signed_in_by: SignedInBy) -> Principal | None:
        """The account as the grant it holds today; None if it holds none."""
        grant = held_grant(self.source, username, self.today())
        if grant is None:
            return None
        return Principal(username=grant.username, agency=grant.agency,
                         role=Role(grant.role), signed_in_by=signed_in_by)

    def from_request(self, request: Request) -> Principal | None:
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None
            record = self.credentials.resolve(token.strip(), "api")
            return self.principal_for(record.username, "token") if record else None
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        record = self.credentials.resolve(cookie, "session")
        if record is None:
            return None
        request.state.session_id = record.token_id
        by: SignedInBy = "oidc" if record.label.endswith("(oidc)") else "session"
        return self.principal_for(record.username, by)

    # --- signing in and out ------------------------------------------------------------

    def login(self, username: str, password: str, address: str) -> IssuedToken:
        """An API token for the account, if the password is its own and it holds a role.

        Raises ``SignInRefused`` (401) or ``TooManyAttempts`` (429); both say the same
        thing whatever was wrong.
        """
        name = self.credentials.check_password(username, password, address)
        if self.principal_for(name, "password") is None:
            raise SignInRefused()
        issued = self.credentials.issue(name, "api", label=f"signed in from {address}")
        log.info("signed_in", user=name, token_id=issued.token_id, address=address)
        return issued

    def open_session(self, response: Response, who: Principal | str, *,
                     signed_in_by: SignedInBy = "password") -> str:
        """Start a desk session for the account (after a password form, or OIDC with
        ``signed_in_by="oidc"``): set the cookie on ``response``; the session's CSRF token.

        The session names the account only: each request takes the grant the
        register holds for it then, so a revocation ends the session's powers at once.
        """
        username = who.username if isinstance(who, Principal) else who
        issued = self.credentials.issue(username, "session", label=f"desk session "
                                        f"({signed_in_by})")
        response.set_cookie(SESSION_COOKIE, issued.token, max_age=self._session_seconds(),
                            path="/", httponly=True, samesite="lax",
                            secure=self.secure_cookies)
        log.info("session_opened", user=issued.username, token_id=issued.token_id)
        return self.csrf_for(issued.token_id)

    def close_session(self, request: Request, response: Response) -> None:
        """Revoke the request's session (if any) and clear its cookie."""
        cookie = request.cookies.get(SESSION_COOKIE)
        record = self.credentials.resolve(cookie, "session") if cookie else None
        if record is not None:
            self.credentials.revoke(record.token_id)
            log.info("session_closed", user=record.username, token_id=record.token_id)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                               secure=self.secure_cookies)

    def _session_seconds(self) -> int:
        return self.settings.web.token_hours * 3600

    # --- CSRF --------------------------------------------------------------------------

    def csrf_for(self, session_id: str) -> str:
        """The CSRF token bound to one session: an HMAC of its id under the secret key."""
        return hmac.new(self.secret, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()

    def csrf_token(self, request: Request) -> str | None:
        """The CSRF token for the request's session (for the desk to put in its forms)."""
        session_id = getattr(request.state, "session_id", None)
        if session_id is None:
            cookie = request.cookies.get(SESSION_COOKIE)
            record = self.credentials.resolve(cookie, "session") if cookie else None
            session_id = record.token_id if record else None
        return self.csrf_for(session_id) if session_id else None
