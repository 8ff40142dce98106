"""What routes share: the services, who asks (allowed to read or to audit), typed inputs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request

from domain.paperwork.thai_dates import parse_date, parse_datetime
from projections.queries import directories
from web import services as actions
from web.authentication import current_principal
from web.principal import Principal
from web.services import WebServices


def get_services(request: Request) -> WebServices:
    services: WebServices = request.app.state.services
    return services


Services = Annotated[WebServices, Depends(get_services)]
Signed = Annotated[Principal, Depends(current_principal)]


def reader(services: Services, principal: Signed) -> Principal:
    """The principal, if it may read the register (every person's role may)."""
    actions.permit(services, principal, "read", refusals=actions.READ_LOG)
    return principal


def auditor(services: Services, principal: Signed) -> Principal:
    """The principal, if it may audit (auditors and operators)."""
    actions.permit(services, principal, "audit", refusals=actions.AUDIT_LOG)
    return principal


Reader = Annotated[Principal, Depends(reader)]
Auditor = Annotated[Principal, Depends(auditor)]


def day(text: str, name: str) -> date:
    """A day as staff write it (ISO or Thai), the one rule the CLI also uses."""
    return parse_date(text, field=name)


def day_or(text: str | None, name: str, default: date) -> date:
    return default if text is None else parse_date(text, field=name)


def moment(text: str | None, name: str) -> datetime | None:
    return None if text is None else parse_datetime(text, field=name)


def agency(services: WebServices, code: str | None, name: str = "agency") -> str | None:
    return None if code is None else directories.require_agency(services.system, code,
                                                                field=name)
