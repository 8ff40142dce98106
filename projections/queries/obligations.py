"""Answers about obligations: which are in force on a date, and what changed between two."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.errors import InvalidInput
from domain.paperwork.agencies import ALL
from projections import obligation_rows as read
from projections.jsontypes import absent_if_none
from projections.obligation_rows import READING_ORDER, ObligationRow
from projections.obligation_versions import told
from projections.queries.reading import (
    EMPTY_DOC,
    NEXT_DOC,
    Answer,
    Moment,
    Source,
    current,
    nothing_recorded,
    page,
)


class ObligationsAnswer(Answer):
    """``cabinet obligations --json``: the obligations in force, by resolution and clause."""

    at: date
    agency: str | None
    """Its own duties and those binding ``ALL``; every bearer's when null."""
    as_recorded: Moment | None
    """As the register stood at this moment; now, when null."""
    obligations: list[ObligationRow]
    next: str | None = Field(default=None, exclude_if=absent_if_none, description=NEXT_DOC)
    empty_because: str | None = Field(default=None, exclude_if=absent_if_none,
                                      description=EMPTY_DOC)


class DiffAnswer(Answer):
    """``cabinet diff --json``: what came into and went out of force between two dates."""

    from_: date = Field(alias="from")
    to: date
    agency: str | None
    as_recorded: Moment | None
    came_into_force: list[ObligationRow]
    went_out_of_force: list[ObligationRow]
    empty_because: str | None = Field(default=None, exclude_if=absent_if_none,
                                      description=EMPTY_DOC)


def in_force(source: Source, on: date, *, agency: str | None = None,
             as_recorded: datetime | None = None, limit: int | None = None,
             after: str | None = None) -> ObligationsAnswer:
    """Obligations binding ``agency`` (or anyone) on ``on``, as recorded at a moment.

    ``agency`` is taken as given (``directories.require_agency`` checks it):
    an unknown code simply bears nothing of its own. Paged by ``limit`` and
    ``after`` (the ``next`` of the page before).
    """
    # One agency's answer is told whole (its own rows are few; the duties binding all
    # agencies come told from memory); everyone's, only the page asked for.
    whole = agency is not None and agency != ALL
    with current(source) as cursor:
        rows = read.in_force(cursor, on, agency=agency, as_recorded=as_recorded,
                             tell=told if whole else None)
        empty = None if rows else nothing_recorded(cursor, as_recorded)
        chunk, following = page(read.by_resolution(rows), READING_ORDER, after=after,
                                limit=limit)
        if not whole:
            chunk = told(cursor, chunk)
    # Built as given, not validated: every value is typed above, and the rows are
    # the view's own, thousands of them (validating them is a check per row).
    return ObligationsAnswer.model_construct(at=on, agency=agency, as_recorded=as_recorded,
                                             obligations=chunk, next=following,
                                             empty_because=empty)


def diff(source: Source, start: date, end: date, *, agency: str | None = None,
         as_recorded: datetime | None = None) -> DiffAnswer:
    if end < start:
        raise InvalidInput(f"{end.isoformat()} is before the start, {start.isoformat()}",
                           field="to")
    with current(source) as cursor:
        before = {r.key: r for r in read.in_force(cursor, start, agency=agency,
                                                  as_recorded=as_recorded)}
        after = {r.key: r for r in read.in_force(cursor, end, agency=agency,
                                                 as_recorded=as_recorded)}
        empty = None if before or after else nothing_recorded(cursor, as_recorded)
        came = told(cursor, read.by_resolution([r for k, r in after.items() if k not in before]))
        went = told(cursor, read.by_resolution([r for k, r in before.items() if k not in after]))
    return DiffAnswer.model_validate({
        "from": start, "to": end, "agency": agency, "as_recorded": as_recorded,
        "came_into_force": came, "went_out_of_force": went, "empty_because": empty})
