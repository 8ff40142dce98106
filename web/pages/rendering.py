"""Pages rendered on the server: the templates, their words and dates, and the sign-in redirect."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from web import i18n
from web.pages import seams

WEB = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=WEB / "templates")
TEMPLATES.env.filters["thai_date"] = i18n.thai_date
TEMPLATES.env.filters["thai_moment"] = i18n.thai_moment
TEMPLATES.env.filters["stage"] = i18n.stage_name
TEMPLATES.env.filters["step"] = i18n.step_name


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
    lang = i18n.language(request)
    principal = getattr(request.state, "principal", None)
    response = TEMPLATES.TemplateResponse(request, template, status_code=status, context={
        "lang": lang,
        "t": lambda key: i18n.message(key, lang),
        "principal": principal,
        "csrf_token": seams.csrf_token(request) if principal is not None else "",
        "path": request.url.path,
        **context,
    })
    i18n.remember_language(request, response)
    return response


def _to_sign_in(request: Request, exc: Exception) -> Response:
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(wanted, safe='')}", status_code=303)


def install(app: FastAPI) -> None:
    """Add the desk's pages, its stylesheet and the sign-in redirect to ``app``."""
    from web.pages import audit, due, feeds, proposal, rules, search, signin, start, work

    # The new-proposal page before ``/proposals/{workflow_id}``, which would take its path.
    for module in (signin, work, start, proposal, rules, due, feeds, search, audit):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.add_exception_handler(seams.SignInRequired, _to_sign_in)


