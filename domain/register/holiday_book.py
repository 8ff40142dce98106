"""The holiday book: special holidays the cabinet declares, revokes and moves.

Declared on top of the maintained calendar (``domain.paperwork.calendar``),
each with the document that declares it. A revocation or a move is an event
of its own, with its document and reason, so the declaration stays in the
record beside its correction. Stored under the topics it was first stored
with (``domain.directories``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from domain.errors import HolidayNotDeclared, InvalidInput
from domain.events import RegisterAggregate, stored_as
from domain.ids import HOLIDAY_BOOK_ID
from domain.permissions import Actor
from domain.values import SourceDocument


@stored_as("domain.directories")
class HolidayBook(RegisterAggregate):
    """Special holidays the cabinet declares, on top of the maintained calendar."""

    if TYPE_CHECKING:
        holidays: dict[date, str]
        last_correction: RegisterAggregate.Event | None

    class Opened(RegisterAggregate.Created):
        def apply(self, aggregate: HolidayBook) -> None:
            aggregate.holidays = {}
            aggregate.last_correction = None

    class HolidayDeclared(RegisterAggregate.Event):
        day: date
        name: str
        source: SourceDocument
        actor: Actor

        def apply(self, aggregate: HolidayBook) -> None:
            aggregate.holidays[self.day] = self.name
            aggregate.last_correction = None

    class HolidayRevoked(RegisterAggregate.Event):
        """A declared holiday withdrawn: offices open that day after all."""

        day: date
        source: SourceDocument
        reason: str
        actor: Actor

        def apply(self, aggregate: HolidayBook) -> None:
            aggregate.holidays.pop(self.day, None)
            aggregate.last_correction = self

    class HolidayMoved(RegisterAggregate.Event):
        """A declared holiday put on another day, under the same name."""

        day: date
        to: date
        source: SourceDocument
        reason: str
        actor: Actor

        def apply(self, aggregate: HolidayBook) -> None:
            aggregate.holidays[self.to] = aggregate.holidays.pop(self.day)
            aggregate.last_correction = self

    @classmethod
    def open(cls, at: datetime) -> HolidayBook:
        return cls._create(cls.Opened, id=HOLIDAY_BOOK_ID, timestamp=at)

    def declare(self, day: date, name: str, source: SourceDocument, actor: Actor,
                at: datetime) -> None:
        if self.holidays.get(day) == name:
            return
        self.trigger_event(self.HolidayDeclared, timestamp=at, day=day, name=name,
                           source=source, actor=actor)

    def revoke(self, day: date, source: SourceDocument, reason: str, actor: Actor,
               at: datetime) -> None:
        if self._repeats(self.HolidayRevoked, day=day, source=source):
            return
        self._require_declared(day, "date")
        self.trigger_event(self.HolidayRevoked, timestamp=at, day=day, source=source,
                           reason=reason, actor=actor)

    def move(self, day: date, to: date, source: SourceDocument, reason: str, actor: Actor,
             at: datetime) -> None:
        if self._repeats(self.HolidayMoved, day=day, to=to, source=source):
            return
        self._require_declared(day, "date")
        if to == day:
            raise InvalidInput("a holiday moved to the same day is not moved", field="to")
        if to in self.holidays:
            raise InvalidInput(f"{to.isoformat()} is already declared a holiday "
                               f"({self.holidays[to]})", field="to")
        self.trigger_event(self.HolidayMoved, timestamp=at, day=day, to=to, source=source,
                           reason=reason, actor=actor)

    def _require_declared(self, day: date, field: str) -> None:
        if day not in self.holidays:
            declared = ", ".join(d.isoformat() for d in sorted(self.holidays)) or "none"
            raise HolidayNotDeclared(
                f"no holiday is declared on {day.isoformat()} (declared: {declared})",
                field=field)

    def _repeats(self, kind: type[RegisterAggregate.Event], **same: object) -> bool:
        """Whether this correction is the last one recorded (a retry records nothing)."""
        last = self.last_correction
        return isinstance(last, kind) and all(getattr(last, k) == v for k, v in same.items())
