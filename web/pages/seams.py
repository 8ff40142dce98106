"""What the pages need from the rest of the app, each behind one small function.

The pages call only these for: the services (``app.state.services``), the
signed-in viewer, the CSRF token, taking a step, telling a refused payload,
searching and the ICS feed's address. Each says where its real home is; when
that home lands, the function becomes a call to it and the pages do not change.
"""

from __future__ import annotations

import hmac
import uuid
from datetime import date
from typing import Any, Protocol

import structlog
from fastapi import Request
from pydantic import ValidationError

from domain.errors import InvalidInput, NotPermitted, RegisterError
from domain.process.steps import Step
from web.authentication import Unauthenticated, current_principal
from web.principal import Principal
from workers.bootstrap import RegisterSystem
from workers.settings import Settings
from workflows.contracts import StepResult
from workflows.desk import ProposalDesk, new_key

log = structlog.get_logger(__name__)

SESSION_COOKIE = "cabinet_session"
CSRF_FIELD = "csrf_token"


class DeskServices(Protocol):
    """The part of ``web.services.WebServices`` the pages use."""

    settings: Settings
    system: RegisterSystem

    def today(self) -> date: ...

    async def proposal_desk(self) -> ProposalDesk: ...


class SignInRequired(Exception):
    """A page asked for without a session: the browser is sent to the sign-in page."""


def services(request: Request) -> DeskServices:
    found: DeskServices = request.app.state.services
    return found


def viewer(request: Request) -> Principal:
    """The signed-in person (``web.authentication.current_principal``), else to sign-in."""
    try:
        return current_principal(request)
    except Unauthenticated:
        raise SignInRequired() from None


class CsrfSource(Protocol):
    def csrf_token(self, request: Request) -> str | None: ...


def csrf_token(request: Request) -> str:
    """The token every form carries: the session's, from the sign-in package's authenticator
    (``web.auth.RegisterAuthenticator.csrf_token``)."""
    authenticator: CsrfSource = request.app.state.authenticator
    return authenticator.csrf_token(request) or ""


def check_csrf(request: Request, posted: str | None) -> None:
    """Refuse a form whose token is not this session's (a cross-site post), as
    ``web.auth.require_csrf`` does for the API's cookie requests."""
    expected = csrf_token(request)
    if not posted or not expected or not hmac.compare_digest(posted, expected):
        raise NotPermitted("the form is not from this session (reload the page and try again)",
                           field=CSRF_FIELD)


async def take_step(desk_services: DeskServices, principal: Principal, workflow_id: str,
                    step: Step, *, key: str | None = None) -> tuple[StepResult, str]:
    """The API's action (``web.services.take_step``): the desk checks who and when,
    and records a refusal with the principal's actor and the reason."""
    key = key or new_key(step)
    desk = await desk_services.proposal_desk()
    result = await desk.act(workflow_id, step, principal.actor, key=key)
    return result, key


def record_refused_step(desk_services: DeskServices, principal: Principal, workflow_id: str,
                        step: str, refusal: RegisterError, payload: str) -> None:
    """Record a refused step in the proposal's refusal log, as the desk does
    (``ProposalDesk._refused``; ``web.services.record_refusal`` for the register's verbs)."""
    log.warning("step_refused", workflow_id=workflow_id, step=step,
                actor=str(principal.actor), username=principal.username, reason=str(refusal))
    desk_services.system.register.refuse_attempt(
        workflow_id, attempt_id=f"{step}:{uuid.uuid4()}", step=step,
        actor=str(principal.actor), reason=refusal.message, field=refusal.field,
        payload=payload)


def refused_payload(error: ValidationError) -> InvalidInput:
    """The clearest problem in a refused payload, naming its field as the API does
    (``domain.validation.validation_problem``)."""
    problems: list[Any] = list(error.errors())
    first = next((p for p in problems if p["type"] == "value_error"), problems[0])
    parts = list(first["loc"])
    # A failing union member is appended after the field's name; it is not a field.
    if parts and (str(parts[-1]).startswith(_UNION_MEMBERS)
                  or (len(parts) > 1 and parts[-1] in ("date", "str", "int"))):
        parts.pop()
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(_UNION_MEMBERS):
            path = f"{path}.{part}" if path else str(part)
    return InvalidInput(str(first["msg"]).removeprefix("Value error, "), field=path or None)


_UNION_MEMBERS = ("function-", "tagged-union[", "constrained-str", "json-or-python[")


def ics_url(agency: str) -> str | None:
    """The agency's ICS feed (behind a revocable token); None until the feed exists."""
    return None


def oidc_configured(request: Request) -> bool:
    return services(request).settings.web.oidc is not None
