"""The HTTP app: ``create_app(services)`` builds the API and the desk's pages (``web.pages``).

Routes live in ``web.api`` (one module per family); failures become
``application/problem+json`` answers in ``web.problems``; who is asking is
``app.state.authenticator`` (``web.authentication``); what is answered from
and acted on is ``app.state.services`` (``web.services.WebServices``).
"""

from __future__ import annotations

import warnings
from typing import Any

from fastapi import Depends, FastAPI
from pydantic.warnings import UnsupportedFieldAttributeWarning

from web import auth, problems, timing
from web.api import attachments, audit, directories, grants, proposals, register
from web.auth.oidc_register import oidc_sign_in
from web.auth.oidc_routes import oidc_router
from web.pages import rendering
from web.services import WebServices

API_DESCRIPTION = """The register of Thai cabinet resolutions and the proposals on their way to
the cabinet. Every request carries a credential (`Authorization: Bearer TOKEN`); who acts is
the signed-in account, never a field of the request. Dates are taken as staff write them (ISO
`2021-11-10`, or Thai: `๑๐ พฤศจิกายน ๒๕๖๔`, `10 พ.ย. 64`). Errors are
`application/problem+json` naming the field at fault."""


def create_app(services: WebServices) -> FastAPI:
    # FastAPI gives a body parameter's field an alias that pydantic 2.12+ says it ignores
    # (the body is read by the parameter's name all the same): noise on every start.
    warnings.filterwarnings("ignore", message="The 'alias' attribute with value",
                            category=UnsupportedFieldAttributeWarning)
    app = FastAPI(title="Cabinet resolution register", version="1",
                  description=API_DESCRIPTION, docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.services = services
    app.state.authenticator = services.authenticator
    problems.install(app)
    # Sign-in's refusals (401, 429) are problems too, and documented as such.
    app.include_router(auth.router, responses=problems.SIGN_IN_RESPONSES)
    for router in (register.router, proposals.router, proposals.steps_router,
                   directories.router, audit.router, grants.router, attachments.router):
        app.include_router(router, dependencies=[Depends(auth.require_csrf)])
    # Sign-in by the identity provider, when one is configured (CABINET_OIDC_ISSUER).
    sign_in = oidc_sign_in(services.settings, services.system, services.authenticator)
    if sign_in is not None:
        app.include_router(oidc_router(sign_in))
    # The desk's pages check their forms' CSRF tokens themselves, to show a refusal as a page.
    rendering.install(app)
    _document_problems(app)
    timing.include(app)  # every answer tells the app's own time (Server-Timing)
    return app


def _document_problems(app: FastAPI) -> None:
    built = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problems.problem_media_types(built())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
