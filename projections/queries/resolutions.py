"""Answers about resolutions: one clause by clause, the list of them, and one's history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from domain.errors import InvalidInput, ResolutionNotFound
from projections import clauses, resolutions, search
from projections.clauses import ClauseStatus
from projections.jsontypes import IsoDate, absent_if_none
from projections.queries.reading import (
    EMPTY_DOC,
    NEXT_DOC,
    Answer,
    Moment,
    Source,
    after_key,
    check_limit,
    current,
    nothing_recorded,
    page_cursor,
)
from projections.resolutions import ResolutionRow
from projections.sql import Cursor

ResolutionKey = date | UUID
"""A resolution by its id, or by its meeting date (with part of its subject if need be)."""


class ResolutionAnswer(Answer):
    """``cabinet resolution show --json``: each clause's status on a day."""

    resolution: IsoDate
    resolution_id: str
    subject: str
    source: str
    """The document people cite: its circular once there is one."""
    at: date
    as_recorded: Moment | None
    clauses: list[ClauseStatus]


class ResolutionList(Answer):
    """``cabinet resolution list --json``: by meeting date and subject."""

    resolutions: list[ResolutionRow]
    next: str | None = Field(default=None, exclude_if=absent_if_none, description=NEXT_DOC)
    empty_because: str | None = Field(default=None, exclude_if=absent_if_none,
                                      description=EMPTY_DOC)


class HistoryEvent(Answer):
    version: int
    event: str
    recorded_at: Moment
    actor: str
    effective: date | None
    """The day it took effect (a notice takes none)."""
    document: str
    detail: str
    retroactive: bool = False
    """It took effect before the meeting of the resolution that made the change."""


class HistoryAnswer(Answer):
    """``cabinet history --json``: every event of one resolution, oldest first."""

    resolution: IsoDate
    resolution_id: str
    subject: str
    events: list[HistoryEvent]


def find(cursor: Cursor, key: ResolutionKey, subject: str | None = None) -> ResolutionRow:
    """The one resolution ``key`` (and ``subject``, part of it) names, or a clear refusal."""
    if isinstance(key, UUID):
        found = resolutions.by_id(cursor, str(key))
        if found is None:
            raise ResolutionNotFound(f"no resolution {key}", field="resolution")
        return found
    candidates = resolutions.on_date(cursor, key)
    if subject:
        candidates = [c for c in candidates if subject.casefold() in c.subject.casefold()]
    if not candidates:
        raise ResolutionNotFound(f"no resolution of {key.isoformat()}"
                                 + (f" with {subject!r} in its subject" if subject else ""),
                                 field="resolution")
    if len(candidates) > 1:
        listing = "; ".join(c.subject for c in candidates)
        raise ResolutionNotFound(f"{len(candidates)} resolutions of {key.isoformat()}: "
                                 f"{listing}; narrow with the subject", field="resolution")
    return candidates[0]


def show(source: Source, key: ResolutionKey, *, subject: str | None = None, on: date,
         as_recorded: datetime | None = None) -> ResolutionAnswer:
    with current(source) as cursor:
        found = find(cursor, key, subject)
        status = clauses.status(cursor, found.resolution_id, on, as_recorded=as_recorded)
        words = search.clause_texts(cursor, found.resolution_id)
    # A version's words are its text when they differ from its summary (else it has none).
    status = [s.model_copy(update={"text": text})
              if (text := words.get((s.clause, s.version or 0))) and text != s.summary else s
              for s in status]
    return ResolutionAnswer(resolution=found.meeting_date, resolution_id=found.resolution_id,
                            subject=found.subject, source=found.cited_as, at=on,
                            as_recorded=as_recorded, clauses=status)


def listing(source: Source, *, meeting_date: date | None = None, limit: int | None = None,
            after: str | None = None) -> ResolutionList:
    check_limit(limit)
    with current(source) as cursor:
        start = _listed_after(cursor, after) if after is not None else None
        # One more than asked: whether there is a next page, without a count.
        rows = resolutions.listing(cursor, meeting_date=meeting_date, after=start,
                                   limit=None if limit is None else limit + 1)
        empty = None if rows else nothing_recorded(cursor)
    following = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        following = page_cursor([rows[-1].resolution_id])
    return ResolutionList(resolutions=rows, next=following, empty_because=empty)


def _listed_after(cursor: Cursor, after: str) -> tuple[str, str, str]:
    """The listing's key of the resolution a cursor names (a short cursor: its id)."""
    key = after_key(after)
    found = resolutions.by_id(cursor, str(key[0])) if len(key) == 1 else None
    if found is None:
        raise InvalidInput(f"{after!r} is not a cursor this answer gave", field="after")
    return (found.meeting_date, found.subject, found.resolution_id)


def history(source: Source, key: ResolutionKey, *, subject: str | None = None
            ) -> HistoryAnswer:
    with current(source) as cursor:
        found = find(cursor, key, subject)
    events = [_event(e) for e in source.register.history(UUID(found.resolution_id))]
    return HistoryAnswer(resolution=found.meeting_date, resolution_id=found.resolution_id,
                         subject=found.subject, events=events)


def _event(event: Any) -> HistoryEvent:
    # A history is read from the aggregate's events; other answers do without them.
    from domain.register.resolution import Resolution

    effective: date | None = None
    retroactive = False
    if isinstance(event, Resolution.Recorded):
        effective, document = event.effective_from, event.source.describe()
        detail = f"{len(event.clauses)} clauses"
    elif isinstance(event, Resolution.ClausesRescinded):
        effective, document = event.effective_on, event.source.describe()
        detail = f"clauses {', '.join(event.clauses)} rescinded by the {event.by.describe()}"
        retroactive = event.effective_on < event.by.meeting_date
    elif isinstance(event, Resolution.ClauseAmended):
        effective, document = event.effective_from, event.source.describe()
        detail = f"clause {event.clause} amended by the {event.by.describe()}"
        retroactive = event.effective_from < event.by.meeting_date
    elif isinstance(event, Resolution.NoticeRecorded):
        document = event.notice.describe()
        detail = f"notified to {len(event.recipients)} recipient groups"
    else:
        document, detail = "", type(event).__name__
    if retroactive and effective is not None:
        detail += (f" (retroactive: effective {effective.isoformat()}, before the meeting of "
                   f"{event.by.meeting_date.isoformat()})")
    return HistoryEvent(version=event.originator_version, event=type(event).__name__,
                        recorded_at=event.timestamp, actor=str(event.actor),
                        effective=effective, document=document, detail=detail,
                        retroactive=retroactive)
