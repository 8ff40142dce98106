"""The one seam between a request and who sent it.

``create_app`` puts an ``Authenticator`` on ``app.state.authenticator``;
every route that acts or answers depends on ``current_principal``, so no
route reads a credential itself.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import Request

from web.principal import Principal


class Unauthenticated(Exception):
    """No credential, or one that is forged, expired or revoked (HTTP 401).

    The message never says which, nor whether the account exists.
    """

    def __init__(self, message: str = "sign-in required") -> None:
        super().__init__(message)
        self.message = message


class Authenticator(Protocol):
    def from_request(self, request: Request) -> Principal | None:
        """The principal a request's credential (bearer token or session cookie) names."""


def current_principal(request: Request) -> Principal:
    authenticator: Authenticator = request.app.state.authenticator
    principal = authenticator.from_request(request)
    if principal is None:
        raise Unauthenticated()
    request.state.principal = principal
    return principal
