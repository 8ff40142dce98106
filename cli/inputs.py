"""Turning what staff type into domain values, with errors that name the option."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ValidationError

from domain.errors import InvalidInput
from domain.paperwork.thai_dates import parse_date, parse_datetime


def date_option(text: str, option: str) -> date:
    return parse_date(text, field=option)


def moment_option(text: str, option: str) -> datetime:
    return parse_datetime(text, field=option)


def uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def validation_problem(error: ValidationError, prefix: str = "") -> InvalidInput:
    """The clearest problem pydantic found, as the register's own error.

    Dates, codes and numbers are unions of a fast canonical form and a
    parser; when both fail, the parser's message is the one that explains.
    """
    problems = error.errors()
    first = next((p for p in problems if p["type"] == "value_error"), problems[0])
    field = _path(first["loc"], prefix)
    message = str(first["msg"]).removeprefix("Value error, ")
    # A container that fails because its item failed is the same problem.
    others = {path for p in problems
              if not field.startswith(path := _path(p["loc"], prefix))}
    if others:
        message += f" (and {len(others)} more problem{'s' if len(others) > 1 else ''})"
    return InvalidInput(message, field=field or None)


_UNION_MEMBERS = ("function-", "tagged-union[", "constrained-str", "json-or-python[")


def _path(loc: tuple[Any, ...], prefix: str) -> str:
    parts = list(loc)
    # A failing union member is appended after the field's name; drop it.
    last = parts[-1] if parts else None
    union_member = isinstance(last, str) and last.startswith(_UNION_MEMBERS)
    if union_member or (len(parts) > 1 and last in ("date", "str", "int")):
        parts.pop()
    path = prefix
    for item in parts:
        if isinstance(item, int):
            path += f"[{item}]"
        elif not str(item).startswith(_UNION_MEMBERS):
            path = f"{path}.{item}" if path else str(item)
    return path


def validated(model: type[BaseModel], data: Any, prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_problem(error, prefix) from None

