"""Signing in: the authenticator behind ``web.authentication``, sessions, CSRF, start-up.

What the rest of the app uses:

- ``RegisterAuthenticator(settings, source, credentials)``: put it on
  ``app.state.authenticator``. Its ``login(username, password, address)`` gives an
  ``IssuedToken``; ``open_session(response, principal_or_username)`` sets the desk's
  cookie and returns the session's CSRF token; ``close_session(request, response)``;
  ``csrf_token(request)`` for forms; ``principal_for(username, signed_in_by)``.
- ``require_csrf``: the FastAPI dependency for unsafe routes reached by cookie.
- ``router``: ``/api/login``, ``/api/logout``, ``/api/me``, ``/login``, ``/logout``.
- ``check_can_serve(settings)``: call before serving.
"""

from __future__ import annotations

from web.auth.authenticator import SESSION_COOKIE, RegisterAuthenticator, client_address
from web.auth.csrf import CSRF_FIELD, CSRF_HEADER, CsrfRefused, require_csrf
from web.auth.routes import router
from web.auth.startup import check_can_serve
from workers.storage.credentials import (
    IssuedToken,
    SignInRefused,
    TooManyAttempts,
    open_credentials,
)

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "SESSION_COOKIE", "CsrfRefused", "IssuedToken",
           "RegisterAuthenticator", "SignInRefused", "TooManyAttempts", "check_can_serve",
           "client_address", "open_credentials", "require_csrf", "router"]
