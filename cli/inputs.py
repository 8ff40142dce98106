"""Turning what staff type into domain values, with errors that name the option."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ValidationError

from domain.paperwork.thai_dates import parse_date, parse_datetime
from domain.validation import validation_problem

__all__ = ["date_option", "moment_option", "uuid_or_none", "validated",
           "validation_problem"]


def date_option(text: str, option: str) -> date:
    return parse_date(text, field=option)


def moment_option(text: str, option: str) -> datetime:
    return parse_datetime(text, field=option)


def uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def validated(model: type[BaseModel], data: Any, prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_problem(error, prefix) from None

