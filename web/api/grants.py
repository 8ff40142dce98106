"""Who held which role: the grants in effect on a day, or who could take a verb on it.

Grants are register events (an account's agency and role, from which day, on
which document), so an auditor can ask "who could approve on 9 Nov 2021?".
For auditors and operators, as the other audits.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from projections.queries.grants import GrantsAnswer, WhoCouldAnswer, grants_on, who_could
from web.api.deps import Auditor, Services, day_or
from web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/grants", response_model=WhoCouldAnswer | GrantsAnswer)
def grants(services: Services, _: Auditor,
           at: Annotated[str | None, Query(description="the day asked about (today)")] = None,
           verb: Annotated[str | None, Query(max_length=60, description=(
               "a verb or step of the permission table: who could take it that day"))] = None
           ) -> WhoCouldAnswer | GrantsAnswer:
    """The grants in effect on a day; with ``verb``, the accounts that could take it."""
    on = day_or(at, "at", date.today())
    if verb is not None:
        return who_could(services.system, verb, on)
    return grants_on(services.system, on)
