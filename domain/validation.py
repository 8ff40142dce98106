"""A payload pydantic refused, told as the register's own refusal naming the field.

The CLI (options and files) and the HTTP API (bodies and query parameters)
both report a malformed input by the dotted path of the field at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from domain.errors import InvalidInput


def validation_problem(error: ValidationError, prefix: str = "") -> InvalidInput:
    """The clearest problem pydantic found, as the register's own error."""
    return problem_of(error.errors(), prefix)


def problem_of(problems: Sequence[Any], prefix: str = "") -> InvalidInput:
    """Dates, codes and numbers are unions of a fast canonical form and a parser;
    when both fail, the parser's message is the one that explains."""
    first = next((p for p in problems if p["type"] == "value_error"), problems[0])
    field = field_path(first["loc"], prefix)
    message = str(first["msg"]).removeprefix("Value error, ")
    # A container that fails because its item failed is the same problem.
    others = {path for p in problems
              if not field.startswith(path := field_path(p["loc"], prefix))}
    if others:
        message += f" (and {len(others)} more problem{'s' if len(others) > 1 else ''})"
    return InvalidInput(message, field=field or None)


_UNION_MEMBERS = ("function-", "tagged-union[", "constrained-str", "json-or-python[")


def field_path(loc: Sequence[Any], prefix: str = "") -> str:
    """``("items", 0, "number")`` → ``items[0].number`` (after ``prefix``)."""
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
