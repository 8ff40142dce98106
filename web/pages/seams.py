"""What every page needs from the rest of the app: the services, the signed-in viewer
(allowed to read), the CSRF token of its session, and whether an identity provider is set.

Each is a call to the thing's one home: ``web.services`` for the services and the
refusal log, ``web.auth`` for sessions and CSRF; the pages add no rules of their own.
"""

from __future__ import annotations

from fastapi import Request

from domain.errors import NotPermitted
from web import services as actions
from web.auth import CSRF_FIELD, CsrfRefused, require_csrf
from web.auth.csrf import authenticator_of
from web.authentication import Unauthenticated, current_principal
from web.principal import Principal
from web.services import WebServices

__all__ = ["CSRF_FIELD", "SignInRequired", "check_csrf", "csrf_token", "oidc_configured",
           "services", "signed_in", "viewer"]


class SignInRequired(Exception):
    """A page asked for without a session: the browser is sent to the sign-in page."""


def services(request: Request) -> WebServices:
    found: WebServices = request.app.state.services
    return found


def signed_in(request: Request) -> Principal:
    """The signed-in person (``web.authentication.current_principal``), else to sign-in."""
    try:
        return current_principal(request)
    except Unauthenticated:
        raise SignInRequired() from None


def viewer(request: Request) -> Principal:
    """The signed-in person, if they may read the register: a refusal is recorded in the
    read log, as the API's readers' are (``web.services.permit``)."""
    principal = signed_in(request)
    actions.permit(services(request), principal, "read", refusals=actions.READ_LOG)
    return principal


def csrf_token(request: Request) -> str:
    """The token every form carries: the session's (``RegisterAuthenticator.csrf_token``)."""
    return authenticator_of(request).csrf_token(request) or ""


async def check_csrf(request: Request) -> None:
    """Refuse a form whose token is not this session's (a cross-site post), by sign-in's
    own check (``web.auth.require_csrf``), as the page's refusal to show beside the form."""
    try:
        await require_csrf(request)
    except CsrfRefused as refused:
        raise NotPermitted(str(refused.detail), field=CSRF_FIELD) from None
    if not csrf_token(request):  # no live session: require_csrf leaves that to sign-in
        raise SignInRequired()


def oidc_configured(request: Request) -> bool:
    return services(request).settings.web.oidc is not None
