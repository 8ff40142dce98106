"""The register's questions: obligations in force, what falls due, changes, resolutions.

Each route parses its parameters as the CLI parses its options (dates ISO or
Thai, moments ISO 8601) and answers the query layer's model, the JSON that
``cabinet … --json`` prints.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from projections.queries import due, obligations, resolutions
from projections.queries.due import DueAnswer
from projections.queries.obligations import DiffAnswer, ObligationsAnswer
from projections.queries.resolutions import (
    HistoryAnswer,
    ResolutionAnswer,
    ResolutionKey,
    ResolutionList,
)
from web.api.deps import Reader, Services, agency, day, day_or, moment
from web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["register"], responses=PROBLEM_RESPONSES)

At = Annotated[str, Query(description="the day asked about: ISO (2021-11-10) or Thai "
                                      "(๑๐ พฤศจิกายน ๒๕๖๔, 10 พ.ย. 64)")]
Agency = Annotated[str | None, Query(alias="agency", description="an agency code: its own "
                                                                 "duties and those binding ALL")]
AsRecorded = Annotated[str | None, Query(description="answer as the register stood at this "
                                                     "moment (ISO 8601)")]
PAGE = 100
"""Rows in an answer unless the caller asks for more: a whole agency's duties on the
large register are thousands of rows (megabytes of JSON) that few callers read at once."""
MAX_PAGE = 5_000
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE,
                             description=f"at most this many rows (a page; {PAGE} unless "
                                         f"asked, at most {MAX_PAGE}); `next` is the cursor "
                                         "of the page after")]
After = Annotated[str | None, Query(description="the `next` cursor of the page before")]
Subject = Annotated[str | None, Query(description="part of the subject, where the date has "
                                                  "several resolutions")]


@router.get("/obligations", response_model=ObligationsAnswer)
def obligations_in_force(services: Services, _: Reader, at: At, agency_code: Agency = None,
                         as_recorded: AsRecorded = None, limit: Limit = PAGE,
                         after: After = None) -> ObligationsAnswer:
    """The obligations in force on a day: who bears each, and until when."""
    return obligations.in_force(services.system, day(at, "at"),
                                agency=agency(services, agency_code),
                                as_recorded=moment(as_recorded, "as_recorded"),
                                limit=limit, after=after)


@router.get("/due", response_model=DueAnswer)
def next_due(services: Services, _: Reader, at: At, agency_code: Agency = None,
             as_recorded: AsRecorded = None) -> DueAnswer:
    """What falls due next per obligation, deadlines moved off holidays."""
    return due.due(services.system, day(at, "at"), agency=agency(services, agency_code),
                   as_recorded=moment(as_recorded, "as_recorded"))


@router.get("/diff", response_model=DiffAnswer)
def changes(services: Services, _: Reader,
            start: Annotated[str, Query(alias="from", description="the earlier day")],
            end: Annotated[str, Query(alias="to", description="the later day")],
            agency_code: Agency = None, as_recorded: AsRecorded = None) -> DiffAnswer:
    """What came into and went out of force between two days."""
    return obligations.diff(services.system, day(start, "from"), day(end, "to"),
                            agency=agency(services, agency_code),
                            as_recorded=moment(as_recorded, "as_recorded"))


@router.get("/resolutions", response_model=ResolutionList)
def resolution_list(services: Services, _: Reader,
                    meeting_date: Annotated[str | None, Query(
                        alias="date", description="only this meeting's resolutions")] = None,
                    limit: Limit = PAGE, after: After = None) -> ResolutionList:
    """The resolutions in the register, by meeting date and subject."""
    return resolutions.listing(
        services.system, limit=limit, after=after,
        meeting_date=None if meeting_date is None else day(meeting_date, "date"))


def _key(text: str) -> ResolutionKey:
    try:
        return UUID(text)
    except ValueError:
        return day(text, "resolution")


@router.get("/resolutions/{resolution}", response_model=ResolutionAnswer)
def resolution_show(services: Services, _: Reader, resolution: str, at: Annotated[
                        str | None, Query(description="the day to judge each clause on "
                                                      "(today)")] = None,
                    as_recorded: AsRecorded = None, subject: Subject = None
                    ) -> ResolutionAnswer:
    """Each clause of one resolution (its id, or its meeting date) and its status on a day."""
    return resolutions.show(services.system, _key(resolution), subject=subject,
                            on=day_or(at, "at", date.today()),
                            as_recorded=moment(as_recorded, "as_recorded"))


@router.get("/resolutions/{resolution}/history", response_model=HistoryAnswer)
def resolution_history(services: Services, _: Reader, resolution: str,
                       subject: Subject = None) -> HistoryAnswer:
    """Every event of one resolution, oldest first."""
    return resolutions.history(services.system, _key(resolution), subject=subject)
