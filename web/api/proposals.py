"""Proposals: the board, one proposal, refused attempts, a new proposal, and every step.

The step routes are made from the step declarations (``STAFF_STEPS``): one
``POST /api/proposals/{workflow_id}/steps/{step}`` per step people take, its
body that step's model (who acts is the signed-in principal; no body names
an actor), its answer the workflow's ``StepResult``. Adding a step to the
domain adds its route and its OpenAPI entry.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response, status
from pydantic import BaseModel

from domain.process.declaration import ProcessStep
from domain.process.steps import STAFF_STEPS, Draft
from projections.queries import proposals
from projections.queries.proposals import BoardAnswer, ProposalStatus, RefusalsAnswer
from web import services as actions
from web.api.deps import Reader, Services, Signed, day_or
from web.problems import PROBLEM_RESPONSES, STEP_RESPONSES
from workflows.contracts import StepResult

router = APIRouter(prefix="/api", tags=["proposals"], responses=PROBLEM_RESPONSES)
steps_router = APIRouter(prefix="/api/proposals/{workflow_id}/steps", tags=["steps"],
                         responses=STEP_RESPONSES)

IDEMPOTENCY_KEY = "Idempotency-Key"
KeyHeader = Annotated[str | None, Header(
    alias=IDEMPOTENCY_KEY, min_length=1, max_length=200,
    description="the step's key: a retry sends the same key and the step is recorded once; "
                "without one, a new key is made and returned in this header")]


class Started(BaseModel):
    """The proposal's workflow, started."""

    workflow_id: str
    stage: str = "drafted"


@router.get("/proposals", response_model=BoardAnswer)
def board(services: Services, _: Reader,
          at: Annotated[str | None, Query(description="the day overdue opinions are judged "
                                                      "on (today)")] = None,
          include_closed: bool = False) -> BoardAnswer:
    """Proposals in the order they were drafted: stage, who acts next, overdue opinions."""
    return proposals.board(services.system, day_or(at, "at", date.today()),
                           include_closed=include_closed)


@router.get("/proposals/{workflow_id}", response_model=ProposalStatus)
def proposal_status(services: Services, _: Reader, workflow_id: str) -> ProposalStatus:
    """One proposal: its stage, who acts next, its opinions and the steps taken."""
    return proposals.status(services.system, workflow_id)


@router.get("/refusals", response_model=RefusalsAnswer)
def refusals(services: Services, _: Reader,
             proposal: Annotated[str | None, Query(description="one proposal's workflow id "
                                                               "(or a register log such as "
                                                               "register:holidays)")] = None
             ) -> RefusalsAnswer:
    """Refused attempts, oldest first: who tried what, and why it was refused."""
    return proposals.refused(services.system, proposal)


@router.post("/proposals", response_model=Started, status_code=status.HTTP_201_CREATED,
             responses=STEP_RESPONSES)
async def start(services: Services, principal: Signed, draft: Draft,
                response: Response,
                reminder_days: Annotated[int, Query(ge=0, le=60, description=(
                    "days before an opinion's deadline to remind the agency"))] = 3) -> Started:
    """Draft a new proposal as the signed-in principal (its agency's head)."""
    workflow_id = await actions.start_proposal(services, principal, draft,
                                               reminder_days=reminder_days)
    response.headers["Location"] = f"/api/proposals/{workflow_id}"
    return Started(workflow_id=workflow_id)


def _step_route(name: str, step_type: type[ProcessStep]) -> None:
    async def take(services: Services, principal: Signed, workflow_id: str, step: Any,
                   response: Response, key: KeyHeader = None) -> StepResult:
        result, used = await actions.take_step(services, principal, workflow_id, step, key=key)
        response.headers[IDEMPOTENCY_KEY] = used
        return result

    # The body is this step's own model, so its schema and its errors are the step's.
    take.__annotations__["step"] = Annotated[step_type, Body()]
    take.__name__ = f"take_{name}"
    take.__doc__ = (step_type.__doc__ or name).strip().splitlines()[0]
    steps_router.add_api_route(f"/{name}", take, methods=["POST"], response_model=StepResult,
                               name=f"step_{name}", summary=f"{name}: {take.__doc__}",
                               operation_id=f"step_{name}")


for _name, _step_type in STAFF_STEPS.items():
    _step_route(_name, _step_type)

