"""A new proposal: the first memo typed into the draft's form (derived from ``Draft`` as every
step's form is), started through the same action as the API's ``POST /api/proposals``
(``web.services.start_proposal``: the desk checks who and the memo's date, and records a
refusal). Shown to those who may draft for their own agency (``domain.permissions``)."""

from __future__ import annotations

import dataclasses

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domain import errors
from domain.permissions import may
from domain.process.steps import Draft
from domain.validation import validation_problem
from web import services as actions
from web.pages import seams
from web.pages.forms import StepForm, attach_files, payload, step_form
from web.pages.rendering import render
from web.principal import Principal

router = APIRouter(include_in_schema=False)
log = structlog.get_logger(__name__)
PATH = "/proposals/new"


def may_draft(principal: Principal) -> bool:
    return may("draft", principal.actor, party_agency=principal.agency)


def draft_form(principal: Principal) -> StepForm:
    """The draft's form, proposing for the viewer's own agency unless typed otherwise."""
    form = step_form(Draft, principal.agency)
    inputs = tuple(dataclasses.replace(i, default=principal.agency) if i.name == "proposer"
                   else i for i in form.inputs)
    return dataclasses.replace(form, inputs=inputs)


@router.get(PATH)
async def new_proposal(request: Request) -> Response:
    principal = seams.viewer(request)
    return render(request, "start.html", form=draft_form(principal), problem=None, typed={},
                  allowed=may_draft(principal))


@router.post(PATH)
async def start_proposal(request: Request) -> Response:
    principal = seams.viewer(request)
    posted = await request.form()
    form = draft_form(principal)
    try:
        await seams.check_csrf(request)
        fields = payload(form, posted)
        await attach_files(form, posted, fields, seams.services(request).system.attachments)
        draft = Draft.model_validate(fields)
        workflow_id = await actions.start_proposal(seams.services(request), principal, draft)
    except (errors.RegisterError, ValidationError) as failure:
        problem = (validation_problem(failure) if isinstance(failure, ValidationError)
                   else failure)
        status = 403 if isinstance(problem, errors.NotPermitted) else 422
        log.info("desk_draft_refused", username=principal.username, reason=problem.message,
                 field=problem.field)
        typed = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
        return render(request, "start.html", status=status, form=form, problem=problem,
                      typed=typed, allowed=may_draft(principal))
    log.info("desk_proposal_started", workflow_id=workflow_id, username=principal.username)
    return RedirectResponse(f"/proposals/{workflow_id}?done=draft", status_code=303)
