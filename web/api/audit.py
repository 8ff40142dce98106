"""The audits, for auditors and operators: the chain checked, the views rebuilt and compared."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from projections.queries import audit
from projections.queries.audit import ReplayAnswer, VerifyAnswer
from web.api.deps import Auditor, Services
from web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/verify", response_model=VerifyAnswer)
def verify(services: Services, _: Auditor,
           expect_head: Annotated[str | None, Query(
               max_length=128, description="an earlier head (hex): also catch a cut-off tail")]
           = None) -> VerifyAnswer:
    """The chain recomputed over every stored event."""
    return audit.verify(services.system, expect_head=expect_head)


@router.get("/replay", response_model=ReplayAnswer)
def replay(services: Services, _: Auditor) -> ReplayAnswer:
    """Every view rebuilt from the events in a scratch store and compared with the live one."""
    return audit.replay(services.system)
