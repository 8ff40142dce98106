"""Checks every agency code in a record against the agencies the register knows."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Any, Union

from pydantic import BaseModel

from domain.paperwork.agencies import ALL, require_known
from domain.values import AgencyField


def _marker(annotation: Any) -> AgencyField | None:
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            if isinstance(extra, AgencyField):
                return extra
    if typing.get_origin(annotation) in (Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _marker(arg)
            if found is not None:
                return found
    return None


def _nested(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_nested(arg) for arg in typing.get_args(annotation))


@cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, AgencyField | None, bool], ...]:
    """Which fields hold codes and which hold nested models; computed once per class."""
    plan = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        marker = next((m for m in info.metadata if isinstance(m, AgencyField)), None)
        marker = marker or _marker(annotation)
        nested = _nested(annotation)
        if marker is not None or nested:
            plan.append((name, marker, nested))
    return tuple(plan)


def agency_codes(model: BaseModel, path: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every (field path, code, ALL allowed) in ``model`` and the models inside it."""
    for name, marker, nested in _plan(type(model)):
        value = getattr(model, name)
        where = f"{path}.{name}" if path else name
        if marker is not None and isinstance(value, str):
            yield where, value, marker.allow_all
        elif nested:
            yield from _walk(value, where)


def _walk(value: Any, where: str) -> Iterator[tuple[str, str, bool]]:
    if isinstance(value, BaseModel):
        yield from agency_codes(value, where)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{where}[{i}]")


def check_agencies(model: BaseModel, known: frozenset[str], path: str = "") -> None:
    for where, code, allow_all in agency_codes(model, path):
        require_known(code, known, field=where, allow_all=allow_all)


def check_resolution_agencies(record: Any, known: frozenset[str]) -> None:
    """``check_agencies`` for a resolution record, by its known shape.

    Imports check hundreds of thousands of these; collecting the codes
    directly and comparing sets is many times cheaper than the general walk,
    which runs only to name the field when a code is unknown.
    """
    codes = {record.source.issuer, record.actor.agency}
    for clause in record.clauses:
        for obligation in clause.obligations:
            codes.add(obligation.bearer)
            if obligation.recipient is not None:
                codes.add(obligation.recipient)
        for amendment in clause.amends:
            for obligation in amendment.obligations or ():
                codes.add(obligation.bearer)
                if obligation.recipient is not None:
                    codes.add(obligation.recipient)
    for notice in record.notices:
        codes.add(notice.circular.issuer)
    codes.discard(ALL)
    if not codes <= known:
        check_agencies(record, known)  # names the field of the first unknown code
        raise AssertionError("an unknown code was found but not located")  # pragma: no cover
