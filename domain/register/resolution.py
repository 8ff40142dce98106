"""A cabinet resolution: its clauses, and what later resolutions did to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import ClauseNotFound, ClauseNotInForce, RescissionBeforeResolution
from domain.events import RegisterAggregate, stored_as
from domain.ids import resolution_id
from domain.permissions import Actor
from domain.values import Clause, Obligation, ResolutionItemRef, SourceDocument


@dataclass
class ClauseVersion:
    clause: Clause
    effective_from: date
    by: ResolutionItemRef | None = None


@dataclass
class ClauseRecord:
    """A clause's versions over effective time, and its end if rescinded."""

    versions: list[ClauseVersion]
    ended_on: date | None = None
    ended_by: ResolutionItemRef | None = None
    ended_source: SourceDocument | None = None

    @property
    def starts(self) -> date:
        return self.versions[0].effective_from

    def in_force_on(self, day: date) -> bool:
        return self.starts <= day and (self.ended_on is None or day < self.ended_on)

    def version_on(self, day: date) -> ClauseVersion | None:
        if not self.in_force_on(day):
            return None
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current


@stored_as("domain.resolution")
class Resolution(RegisterAggregate):
    # Annotated only for type checkers: at run time the library would read class
    # annotations as __init__ parameters, and state comes from events instead.
    if TYPE_CHECKING:
        meeting_date: date
        subject: str
        source: SourceDocument
        effective_from: date
        notices: list[SourceDocument]
        _recorded_clauses: tuple[Clause, ...]
        _clause_records: dict[str, ClauseRecord] | None

    class Recorded(RegisterAggregate.Created):
        meeting_date: date
        subject: str
        source: SourceDocument
        effective_from: date
        clauses: tuple[Clause, ...]
        actor: Actor

        def apply(self, aggregate: Resolution) -> None:
            aggregate.meeting_date = self.meeting_date
            aggregate.subject = self.subject
            aggregate.source = self.source
            aggregate.effective_from = self.effective_from
            aggregate._recorded_clauses = self.clauses
            aggregate._clause_records = None
            aggregate.notices = []

    class ClausesRescinded(RegisterAggregate.Event):
        clauses: tuple[str, ...]
        whole: bool
        effective_on: date
        by: ResolutionItemRef
        source: SourceDocument
        actor: Actor

        def apply(self, aggregate: Resolution) -> None:
            for number in self.clauses:
                record = aggregate.clauses[number]
                record.ended_on = self.effective_on
                record.ended_by = self.by
                record.ended_source = self.source

    class ClauseAmended(RegisterAggregate.Event):
        clause: str
        text: str | None
        summary: str | None
        obligations: tuple[Obligation, ...] | None
        effective_from: date
        by: ResolutionItemRef
        source: SourceDocument
        actor: Actor

        def apply(self, aggregate: Resolution) -> None:
            record = aggregate.clauses[self.clause]
            before = record.version_on(self.effective_from) or record.versions[-1]
            changes: dict[str, object] = {}
            if self.text is not None:
                changes["text"] = self.text
            if self.summary is not None:
                changes["summary"] = self.summary
            if self.obligations is not None:
                changes["obligations"] = self.obligations
            record.versions.append(ClauseVersion(
                before.clause.model_copy(update=changes), self.effective_from, self.by))
            record.versions.sort(key=lambda v: v.effective_from)

    class NoticeRecorded(RegisterAggregate.Event):
        notice: SourceDocument
        recipients: tuple[str, ...]
        actor: Actor

        def apply(self, aggregate: Resolution) -> None:
            aggregate.notices.append(self.notice)

    # --- commands --------------------------------------------------------------

    @classmethod
    def record(cls, *, meeting_date: date, subject: str, source: SourceDocument,
               clauses: tuple[Clause, ...], actor: Actor, at: datetime,
               effective_from: date | None = None, aggregate_id: UUID | None = None
               ) -> Resolution:
        return cls._create(
            cls.Recorded,
            id=aggregate_id or resolution_id(meeting_date, subject),
            timestamp=at,
            meeting_date=meeting_date,
            subject=subject,
            source=source,
            effective_from=effective_from or meeting_date,
            clauses=clauses,
            actor=actor,
        )

    @property
    def clauses(self) -> dict[str, ClauseRecord]:
        # Built on first use: recording a new resolution never needs them.
        if self._clause_records is None:
            self._clause_records = {
                c.number: ClauseRecord(versions=[ClauseVersion(c, self.effective_from)])
                for c in self._recorded_clauses
            }
        return self._clause_records

    def item_ref(self, item: str) -> ResolutionItemRef:
        return ResolutionItemRef(resolution_id=self.id, meeting_date=self.meeting_date,
                                 subject=self.subject, item=item)

    def clause_record(self, number: str, *, field: str = "clauses") -> ClauseRecord:
        try:
            return self.clauses[number]
        except KeyError:
            raise ClauseNotFound(
                f"the resolution of {self.meeting_date.isoformat()} ({self.subject}) has no "
                f"clause {number}; its clauses are {', '.join(self.clauses) or 'none'}",
                field=field) from None

    def rescind(self, *, clauses: tuple[str, ...], whole: bool, effective_on: date,
                by: ResolutionItemRef, source: SourceDocument, actor: Actor,
                at: datetime) -> None:
        self._check_not_before_start(effective_on, "rescission")
        if whole:
            clauses = tuple(n for n, r in self.clauses.items() if r.in_force_on(effective_on))
            if not clauses:
                raise ClauseNotInForce(
                    f"no clause of the resolution of {self.meeting_date.isoformat()} is in "
                    f"force on {effective_on.isoformat()}", field="whole")
        if not clauses:
            raise ClauseNotFound("name the clauses to rescind, or rescind the whole resolution",
                                 field="clauses")
        for i, number in enumerate(clauses):
            record = self.clause_record(number, field=f"clauses[{i}]")
            if not record.in_force_on(effective_on):
                raise ClauseNotInForce(
                    f"clause {number} of the resolution of {self.meeting_date.isoformat()} is "
                    f"not in force on {effective_on.isoformat()}{self._why_not(record)}",
                    field=f"clauses[{i}]")
        self.trigger_event(self.ClausesRescinded, timestamp=at, clauses=clauses, whole=whole,
                           effective_on=effective_on, by=by, source=source, actor=actor)

    def amend(self, *, clause: str, text: str | None, summary: str | None,
              obligations: tuple[Obligation, ...] | None, effective_from: date,
              by: ResolutionItemRef, source: SourceDocument, actor: Actor,
              at: datetime) -> None:
        self._check_not_before_start(effective_from, "amendment")
        record = self.clause_record(clause, field="clause")
        if not record.in_force_on(effective_from):
            raise ClauseNotInForce(
                f"clause {clause} of the resolution of {self.meeting_date.isoformat()} is not "
                f"in force on {effective_from.isoformat()}{self._why_not(record)}",
                field="clause")
        self.trigger_event(self.ClauseAmended, timestamp=at, clause=clause, text=text,
                           summary=summary, obligations=obligations,
                           effective_from=effective_from, by=by, source=source, actor=actor)

    def record_notice(self, *, notice: SourceDocument, recipients: tuple[str, ...], actor: Actor,
                      at: datetime) -> None:
        if any(n.number == notice.number and n.date == notice.date for n in self.notices):
            return  # the same notice twice is a retry, not a second notice
        self.trigger_event(self.NoticeRecorded, timestamp=at, notice=notice,
                           recipients=recipients, actor=actor)

    def _check_not_before_start(self, day: date, what: str) -> None:
        if day < self.effective_from:
            raise RescissionBeforeResolution(
                f"the {what} would take effect on {day.isoformat()}, before the resolution of "
                f"{self.meeting_date.isoformat()} itself took effect on "
                f"{self.effective_from.isoformat()}", field="effective_on")

    @staticmethod
    def _why_not(record: ClauseRecord) -> str:
        if record.ended_on is not None and record.ended_by is not None:
            return (f" (rescinded from {record.ended_on.isoformat()} by the "
                    f"{record.ended_by.describe()})")
        return f" (it takes effect on {record.starts.isoformat()})"

    def same_record(self, *, source: SourceDocument, clauses: tuple[Clause, ...],
                    effective_from: date) -> bool:
        """Whether recording this resolution again would say nothing new."""
        return (self.source == source and self._recorded_clauses == clauses
                and self.effective_from == effective_from)
