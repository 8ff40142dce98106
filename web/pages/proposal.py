"""A proposal: its timeline, opinions and refused attempts; and the steps its viewer may take.

A step's form posts here; the step goes through the same action the API's
route calls (``web.services.take_step``), which checks who may and records a
refusal, whatever the page offered.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domain import errors
from domain.permissions import PERMITS, SECRETARIAT, Party, may
from domain.process.steps import STAFF_STEPS
from domain.validation import validation_problem
from projections.queries import proposals
from web import services as actions
from web.pages import seams
from web.pages.allowed import allowed_steps, party_agency
from web.pages.forms import attach_files, payload, step_form
from web.pages.rendering import render
from web.principal import Principal
from web.services import WebServices

router = APIRouter(include_in_schema=False)
log = structlog.get_logger(__name__)

STATUS = ((errors.NotPermitted, 403), (errors.NotFound, 404), (errors.WrongStage, 409),
          (errors.Conflict, 409), (errors.RegisterError, 422))


def sees_refusals(principal: Principal) -> bool:
    """Auditors (and operators) audit; the Secretariat runs the process and answers for it."""
    return may("audit", principal.actor) or principal.agency == SECRETARIAT


def _page_data(desk: WebServices, principal: Principal, workflow_id: str
               ) -> dict[str, Any]:
    status = proposals.status(desk.system, workflow_id)
    state = desk.system.register.proposal(workflow_id).state
    steps = allowed_steps(state, principal.actor)
    refused = (proposals.refused(desk.system, workflow_id).refusals
               if sees_refusals(principal) else None)
    return {"proposal": status, "refused": refused, "today": desk.today(),
            "forms": [step_form(s, principal.agency) for s in steps]}


async def _page(request: Request, principal: Principal, workflow_id: str, *,
                status: int = 200, **extra: Any) -> Response:
    data = await run_in_threadpool(_page_data, seams.services(request), principal, workflow_id)
    return render(request, "proposal.html", status=status, key=uuid.uuid4().hex,
                  done=request.query_params.get("done"), **data, **extra)


def _refuse_if_not_permitted(desk: WebServices, principal: Principal, workflow_id: str,
                             step: str, named: str | None, posted: dict[str, Any]) -> None:
    """Who may take the step is settled before its payload is read: a post by someone who
    may not is refused and recorded even when what it carries is malformed."""
    state = desk.system.register.proposal(workflow_id).state
    party = PERMITS[step].party
    agency: str | None
    if party is Party.NAMED_AGENCY:
        agency = (named or "").strip().upper() or principal.agency
    else:
        agency = party_agency(step, state, principal.actor)
    if party is Party.TAKER and agency is None:
        return  # which step's taker is in the payload: the workflow checks it
    posted.pop(seams.CSRF_FIELD, None)
    # Recorded in the proposal's own refusal log, where the desk records the workflow's.
    actions.permit(desk, principal, step, refusals=workflow_id, party_agency=agency,
                   payload=json.dumps(posted, ensure_ascii=False))


@router.get("/proposals/{workflow_id}")
async def proposal_page(request: Request, workflow_id: str) -> Response:
    principal = seams.viewer(request)
    try:
        return await _page(request, principal, workflow_id)
    except errors.ProposalNotFound as missing:
        return render(request, "error.html", status=404, problem=missing)


@router.post("/proposals/{workflow_id}/steps/{step}")
async def take_step(request: Request, workflow_id: str, step: str) -> Response:
    principal = seams.viewer(request)
    posted = await request.form()
    try:
        await seams.check_csrf(request)
    except errors.NotPermitted as forged:
        return render(request, "error.html", status=403, problem=forged)
    step_type = STAFF_STEPS.get(step)
    if step_type is None:
        return render(request, "error.html", status=404,
                      problem=errors.NotFound(f"no step {step!r}", field="step"))
    form = step_form(step_type, principal.agency)
    key = posted.get("key")
    try:
        named = posted.get("agency")
        await run_in_threadpool(_refuse_if_not_permitted, seams.services(request), principal,
                                workflow_id, step, named if isinstance(named, str) else None,
                                {k: v if isinstance(v, str) else f"(file {v.filename!r})"
                                 for k, v in posted.items()})
        fields = payload(form, posted)
        await attach_files(form, posted, fields, seams.services(request).system.attachments)
        taken = step_type.model_validate(fields)
        await actions.take_step(seams.services(request), principal, workflow_id,
                                taken,  # type: ignore[arg-type]
                                key=f"{step}-{key}" if isinstance(key, str) and key else None)
    except (errors.RegisterError, ValidationError) as failure:
        problem = (validation_problem(failure) if isinstance(failure, ValidationError)
                   else failure)
        code = next(c for kind, c in STATUS if isinstance(problem, kind))
        log.info("desk_step_refused", workflow_id=workflow_id, step=step,
                 username=principal.username, reason=problem.message, field=problem.field)
        typed = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
        return await _page(request, principal, workflow_id, status=code, failed_step=step,
                           problem=problem, typed=typed)
    log.info("desk_step_taken", workflow_id=workflow_id, step=step, username=principal.username)
    return RedirectResponse(f"/proposals/{workflow_id}?done={step}", status_code=303)
