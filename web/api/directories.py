"""The directories the Secretariat keeps: holidays and agencies, their history, their verbs.

A verb's body is the register's own record without the field the path names
(the holiday's day, the agency's code); who acts is the signed-in principal.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from domain.register.records import AgencyRecord, HolidayRecord
from domain.validation import validation_problem
from projections.queries import directories
from projections.queries.directories import AgenciesAnswer, DirectoryHistory, HolidaysAnswer
from web import services as actions
from web.api.deps import Reader, Services, Signed
from web.problems import PROBLEM_RESPONSES, STEP_RESPONSES

router = APIRouter(prefix="/api", tags=["directories"], responses=PROBLEM_RESPONSES)


def without(model: type[BaseModel], field: str) -> type[BaseModel]:
    """``model``'s body when ``field`` comes from the path: the same fields but that one."""
    fields: dict[str, Any] = {name: (info.annotation, info)
                              for name, info in model.model_fields.items() if name != field}
    made: type[BaseModel] = create_model(
        f"{model.__name__}Body", __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=model.__doc__, **fields)
    return made


HolidayMoveBody = without(HolidayMove, "date")
HolidayRevocationBody = without(HolidayRevocation, "date")
AgencyRenameBody = without(AgencyRename, "code")


class Done(BaseModel):
    """What the register recorded (the same keys ``--json`` prints)."""

    model_config = ConfigDict(extra="forbid")

    date: str | None = None
    to: str | None = None
    name: str | None = None
    code: str | None = None


def _whole(model: type[BaseModel], body: BaseModel, path_field: str, path_name: str,
           value: str) -> Any:
    try:
        return model.model_validate({**body.model_dump(), path_field: value})
    except ValidationError as error:
        problem = validation_problem(error)
        if problem.field == path_field:  # the path's value, named as the path names it
            problem.field = path_name
        raise problem from None


Day = Annotated[str, Path(description="the declared holiday's date (ISO or Thai)")]
Code = Annotated[str, Path(description="the agency's code, e.g. MOJ")]


@router.get("/holidays", response_model=HolidaysAnswer)
def holidays(services: Services, _: Reader,
             year: Annotated[int | None, Query(ge=1857, le=2399, description=(
                 "every day offices close that year, and where each comes from"))] = None
             ) -> HolidaysAnswer:
    """Declared special holidays; with a year, every day offices close that year."""
    return directories.declared_holidays(services.system, year=year)


@router.get("/holidays/history", response_model=DirectoryHistory)
def holiday_history(services: Services, _: Reader) -> DirectoryHistory:
    """Every declaration, revocation and move of a holiday: by whom, on which document."""
    return directories.holiday_history(services.system)


@router.get("/agencies", response_model=AgenciesAnswer)
def agencies(services: Services, _: Reader) -> AgenciesAnswer:
    """Every agency code the register knows, and their names."""
    return directories.agencies(services.system)


@router.get("/agencies/history", response_model=DirectoryHistory)
def agency_history(services: Services, _: Reader) -> DirectoryHistory:
    """Every agency added or renamed: by whom, on which document."""
    return directories.agency_history(services.system)


@router.post("/holidays", response_model=Done, status_code=status.HTTP_201_CREATED,
             responses=STEP_RESPONSES)
async def declare_holiday(services: Services, principal: Signed, record: HolidayRecord) -> Done:
    """Declare a special holiday (the Secretariat's staff or head)."""
    await run_in_threadpool(actions.declare_holiday, services, principal, record)
    return Done(date=record.date.isoformat(), name=record.name)


@router.post("/holidays/{day}/move", response_model=Done, responses=STEP_RESPONSES)
async def move_holiday(services: Services, principal: Signed, day: Day,
                       body: HolidayMoveBody) -> Done:  # type: ignore[valid-type]
    """Move a declared holiday to another day; the declaration stays in the record."""
    record: HolidayMove = _whole(HolidayMove, body, "date", "day", day)
    await run_in_threadpool(actions.move_holiday, services, principal, record)
    return Done(date=record.date.isoformat(), to=record.to.isoformat())


@router.post("/holidays/{day}/revoke", response_model=Done, responses=STEP_RESPONSES)
async def revoke_holiday(services: Services, principal: Signed, day: Day,
                         body: HolidayRevocationBody) -> Done:  # type: ignore[valid-type]
    """Revoke a declared holiday; the declaration stays in the record."""
    record: HolidayRevocation = _whole(HolidayRevocation, body, "date", "day", day)
    await run_in_threadpool(actions.revoke_holiday, services, principal, record)
    return Done(date=record.date.isoformat())


@router.post("/agencies", response_model=Done, status_code=status.HTTP_201_CREATED,
             responses=STEP_RESPONSES)
async def register_agency(services: Services, principal: Signed, record: AgencyRecord) -> Done:
    """Add an agency to the directory (the Secretariat's staff or head)."""
    await run_in_threadpool(actions.register_agency, services, principal, record)
    return Done(code=record.code)


@router.post("/agencies/{code}/rename", response_model=Done, responses=STEP_RESPONSES)
async def rename_agency(services: Services, principal: Signed, code: Code,
                        body: AgencyRenameBody) -> Done:  # type: ignore[valid-type]
    """Correct an agency's names; the earlier names stay in the record."""
    record: AgencyRename = _whole(AgencyRename, body, "code", "code", code)
    await run_in_threadpool(actions.rename_agency, services, principal, record)
    return Done(code=record.code)
