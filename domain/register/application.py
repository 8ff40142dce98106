"""The register: the service layer over the event store.

Each command runs in a unit of work and ends in one ``save()``, so all it
records commits together or not at all: a refused command leaves the store
exactly as it was.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import Mapper, RecordConflictError
from eventsourcing.utils import get_topic

from domain.errors import (
    InvalidInput,
    ProposalNotFound,
    RegisterError,
    ResolutionConflict,
    ResolutionNotFound,
)
from domain.events import RegisterAggregate
from domain.ids import (
    AGENCY_DIRECTORY_ID,
    HOLIDAY_BOOK_ID,
    document_id,
    meeting_day_id,
    proposal_id,
    refusals_id,
    resolution_id,
)
from domain.paperwork.agencies import BUILTIN_AGENCIES
from domain.permissions import Actor
from domain.process.proposal import Proposal, RefusalLog
from domain.process.rules import resolution_clauses
from domain.process.steps import Decide, Draft, Notify, Outcome, Step
from domain.register.agency_check import check_agencies, check_resolution_agencies
from domain.register.directories import AgencyDirectory, HolidayBook, MeetingDay, RecordedDocument
from domain.register.records import (
    AgencyRecord,
    HolidayRecord,
    ImportFile,
    NoticeRecord,
    ProposalRecord,
    ResolutionRecord,
)
from domain.register.resolution import Resolution
from domain.values import DocumentKind, ResolutionRef, SourceDocument
from workers.storage.mapping import PydanticMapper, UnusedTranscoder

Clock = Callable[[], datetime]
A = TypeVar("A", bound=RegisterAggregate)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _located(error: RegisterError, prefix: str) -> RegisterError:
    return error.at(prefix) if prefix else error


class UnitOfWork:
    """Aggregates touched by one command; saved together at the end.

    ``optimistic`` skips reading aggregates the command expects to create
    (a new resolution, a new document number). If one existed after all, the
    save conflicts on the aggregate's id and version, and the command is run
    again reading everything. Big imports of new records then cost no reads.
    """

    def __init__(self, app: Register, at: datetime, *, optimistic: bool = False) -> None:
        self.app = app
        self.at = at
        self.optimistic = optimistic
        self.touched: dict[UUID, RegisterAggregate] = {}
        self._known: frozenset[str] | None = None

    def get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        if aggregate_id in self.touched:
            found = self.touched[aggregate_id]
        else:
            try:
                found = self.app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
            self.touched[aggregate_id] = found
        if not isinstance(found, kind):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {kind.__name__}")
        return found

    def get_new(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """Like ``get`` for an aggregate the command expects not to exist yet."""
        if self.optimistic:
            found = self.touched.get(aggregate_id)
            return found if isinstance(found, kind) else None
        return self.get(aggregate_id, kind)

    def add(self, aggregate: A) -> A:
        self.touched[aggregate.id] = aggregate
        return aggregate

    def known_agencies(self) -> frozenset[str]:
        if self._known is None:
            directory = self.touched.get(AGENCY_DIRECTORY_ID)
            if isinstance(directory, AgencyDirectory):
                self._known = directory.codes
            else:
                self._known = self.app.agency_codes()
        return self._known

    def forget_known_agencies(self) -> None:
        self._known = None

    def commit(self) -> int:
        changed = [a for a in self.touched.values() if a.pending_events]
        return self.app.save_aggregates(changed)


class Register(Application[UUID]):
    """The legal record: resolutions, clauses, rescissions, amendments, opinions."""

    name = "Register"

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.clock = clock
        self._agencies: tuple[int, frozenset[str]] | None = None

    def agency_codes(self) -> frozenset[str]:
        """The codes the register knows, read again only after an agency was registered.

        Every command checks its codes against this set. The directory changes
        rarely (and may not exist at all), so the set is kept with the log
        position it was read at, and read again only if an agency has been
        registered since, by this process or any other.
        """
        latest = self.recorder.max_notification_id() or 0
        if self._agencies is not None:
            seen, codes = self._agencies
            if seen == latest or not self.recorder.select_notifications(
                    start=seen, limit=1, topics=_AGENCY_TOPICS, inclusive_of_start=False):
                self._agencies = (latest, codes)
                return codes
        directory: AgencyDirectory | None
        try:
            directory = self.repository.get(AGENCY_DIRECTORY_ID, deepcopy_from_cache=False)
        except AggregateNotFoundError:
            directory = None
        codes = directory.codes if directory else frozenset(BUILTIN_AGENCIES)
        self._agencies = (latest, codes)
        return codes

    def save_aggregates(self, aggregates: Iterable[RegisterAggregate]) -> int:
        """Save the register's own aggregates in one transaction; the number of events.

        ``save()`` asks of every object whether it is an event or an aggregate
        through runtime protocol checks, which cost more than encoding a small
        event; these are known to be the register's aggregates.
        """
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return len(recordings)

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=UnusedTranscoder(), mapper_class=PydanticMapper)

    # --- running commands ------------------------------------------------------------

    CONFLICT_RETRIES = 20

    def _run(self, command: Callable[[UnitOfWork], Any], *, optimistic: bool = False,
             commit: bool = True, counted: bool = False) -> Any:
        """The command's result; with ``counted``, the number of events its commit wrote."""
        at = self.clock()
        uow = UnitOfWork(self, at, optimistic=optimistic)
        result = command(uow)
        if not commit:
            return result
        for attempt in range(self.CONFLICT_RETRIES):
            try:
                written = uow.commit()
                return written if counted else result
            except RecordConflictError:
                # A short random pause keeps writers that collided from
                # colliding again in lockstep.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                # Another writer appended to an aggregate this command read (the
                # same meeting day, the same letter), or something taken to be new
                # exists (a re-import). Decide again on what is there now: the
                # command's rules run again, so a retry cannot break them.
                uow = UnitOfWork(self, at)
                result = command(uow)
        written = uow.commit()
        return written if counted else result

    # --- resolutions -------------------------------------------------------------------

    def record_resolution(self, record: ResolutionRecord) -> UUID:
        rid: UUID = self._run(lambda uow: self._record_resolution(uow, record, ""))
        return rid

    def record_notice(self, ref: ResolutionRef, notice: NoticeRecord, actor: Actor) -> UUID:
        def command(uow: UnitOfWork) -> UUID:
            check_agencies(notice, uow.known_agencies())
            resolution = self._find_resolution(uow, ref, "resolution")
            self._claim(uow, notice.circular, "circular")
            resolution.record_notice(notice=notice.circular, recipients=notice.recipients,
                                     actor=actor, at=uow.at)
            return resolution.id
        rid: UUID = self._run(command)
        return rid

    def _record_resolution(self, uow: UnitOfWork, record: ResolutionRecord, where: str) -> UUID:
        try:
            check_resolution_agencies(record, uow.known_agencies())
        except RegisterError as error:
            raise _located(error, where) from None
        rid = resolution_id(record.meeting_date, record.subject)
        effective = record.effective_from or record.meeting_date
        existing = uow.get_new(rid, Resolution)
        if existing is not None:
            if not existing.same_record(source=record.source, clauses=record.clauses,
                                        effective_from=effective):
                raise ResolutionConflict(
                    f"a resolution of {record.meeting_date.isoformat()} on {record.subject!r} "
                    "is already recorded with other content; record changes as an amendment "
                    "by a later resolution", field=where or None)
            self._record_notices(uow, existing, record, where)
            return rid
        self._claim(uow, record.source, _join(where, "source"))
        resolution = uow.add(Resolution.record(
            meeting_date=record.meeting_date, subject=record.subject, source=record.source,
            clauses=record.clauses, actor=record.actor, at=uow.at, effective_from=effective,
            aggregate_id=rid))
        day = uow.get(meeting_day_id(record.meeting_date), MeetingDay) or uow.add(
            MeetingDay.open(record.meeting_date, uow.at))
        day.list_resolution(rid, record.subject, uow.at)
        for i, clause in enumerate(record.clauses):
            for j, target in enumerate(clause.rescinds):
                field = _join(where, f"clauses[{i}].rescinds[{j}]")
                rescinded = self._find_resolution(uow, target.resolution, f"{field}.resolution")
                self._refuse_self_reference(rescinded, rid, field)
                try:
                    rescinded.rescind(
                        clauses=target.clauses, whole=target.whole,
                        effective_on=target.effective_on or effective,
                        by=resolution.item_ref(clause.number), source=record.source,
                        actor=record.actor, at=uow.at)
                except RegisterError as error:
                    raise _located(error, field) from None
            for j, amendment in enumerate(clause.amends):
                field = _join(where, f"clauses[{i}].amends[{j}]")
                amended = self._find_resolution(uow, amendment.resolution, f"{field}.resolution")
                self._refuse_self_reference(amended, rid, field)
                try:
                    amended.amend(
                        clause=amendment.clause, text=amendment.text, summary=amendment.summary,
                        obligations=amendment.obligations,
                        effective_from=amendment.effective_from or effective,
                        by=resolution.item_ref(clause.number), source=record.source,
                        actor=record.actor, at=uow.at)
                except RegisterError as error:
                    raise _located(error, field) from None
        self._record_notices(uow, resolution, record, where)
        return rid

    def _record_notices(self, uow: UnitOfWork, resolution: Resolution, record: ResolutionRecord,
                        where: str) -> None:
        for i, notice in enumerate(record.notices):
            self._claim(uow, notice.circular, _join(where, f"notices[{i}].circular"))
            resolution.record_notice(notice=notice.circular, recipients=notice.recipients,
                                     actor=record.actor, at=uow.at)

    @staticmethod
    def _refuse_self_reference(target: Resolution, rid: UUID, field: str) -> None:
        if target.id == rid:
            raise InvalidInput("a resolution cannot rescind or amend itself",
                               field=f"{field}.resolution")

    def _find_resolution(self, uow: UnitOfWork, ref: ResolutionRef, field: str) -> Resolution:
        if ref.subject is not None:
            found = uow.get(resolution_id(ref.date, ref.subject), Resolution)
            if found is not None:
                return found
        day = uow.get(meeting_day_id(ref.date), MeetingDay)
        if day is None:
            raise ResolutionNotFound(
                f"the register has no resolution of {ref.date.isoformat()}", field=field)
        found = uow.get(day.find(ref.subject, field=field), Resolution)
        assert found is not None
        return found

    def _claim(self, uow: UnitOfWork, document: SourceDocument, field: str) -> None:
        """Claim the document's number, or check it names this same document."""
        key = document.number_key
        if key is None:
            return
        aggregate_id = document_id(key)
        existing = uow.get_new(aggregate_id, RecordedDocument)
        if existing is not None:
            existing.check_same(document, field=f"{field}.number")
        else:
            uow.add(RecordedDocument.claim(document, uow.at, aggregate_id=aggregate_id))

    # --- directories -------------------------------------------------------------------

    def register_agency(self, record: AgencyRecord, actor: Actor) -> None:
        self._run(lambda uow: self._register_agency(uow, record, actor))

    def _register_agency(self, uow: UnitOfWork, record: AgencyRecord, actor: Actor) -> None:
        directory = uow.get(AGENCY_DIRECTORY_ID, AgencyDirectory) or uow.add(
            AgencyDirectory.open(uow.at))
        directory.register(record.code, record.name_th, record.name_en, actor, uow.at)
        uow.forget_known_agencies()

    def declare_holiday(self, record: HolidayRecord, actor: Actor) -> None:
        self._run(lambda uow: self._declare_holiday(uow, record, actor, ""))

    def _declare_holiday(self, uow: UnitOfWork, record: HolidayRecord, actor: Actor,
                         where: str) -> None:
        try:
            check_agencies(record, uow.known_agencies())
        except RegisterError as error:
            raise _located(error, where) from None
        self._claim(uow, record.source, _join(where, "source"))
        book = uow.get(HOLIDAY_BOOK_ID, HolidayBook) or uow.add(HolidayBook.open(uow.at))
        book.declare(record.date, record.name, record.source, actor, uow.at)

    def known_agencies(self) -> frozenset[str]:
        return UnitOfWork(self, self.clock()).known_agencies()

    # --- proposals ---------------------------------------------------------------------

    def draft_proposal(self, workflow_id: str, step: Draft, actor: Actor, *,
                       step_id: str) -> bool:
        return bool(self._run(
            lambda uow: self._draft(uow, workflow_id, step, actor, step_id, "")))

    def _draft(self, uow: UnitOfWork, workflow_id: str, step: Draft, actor: Actor,
               step_id: str, where: str) -> bool:
        if uow.get(proposal_id(workflow_id), Proposal) is not None:
            return False
        try:
            check_agencies(step, uow.known_agencies())
            check_agencies(actor, uow.known_agencies(), "actor")
        except RegisterError as error:
            raise _located(error, where) from None
        self._claim(uow, step.memo, _join(where, "memo"))
        uow.add(Proposal.draft(workflow_id=workflow_id, step=step, actor=actor,
                               step_id=step_id, at=uow.at))
        return True

    def check_draft(self, workflow_id: str, step: Draft, actor: Actor) -> None:
        """Raise what ``draft_proposal`` would refuse, recording nothing."""
        self._run(lambda uow: self._draft(uow, workflow_id, step, actor, "check", ""),
                  commit=False)

    def take_step(self, workflow_id: str, step: Step, actor: Actor, *, step_id: str,
                  today: date | None = None) -> bool:
        """Record a step; False if this step id was already recorded (a retry)."""
        return bool(self._run(
            lambda uow: self._take_step(uow, workflow_id, step, actor, step_id, today, "")))

    def _take_step(self, uow: UnitOfWork, workflow_id: str, step: Step, actor: Actor,
                   step_id: str, today: date | None, where: str) -> bool:
        proposal = uow.get(proposal_id(workflow_id), Proposal)
        if proposal is None:
            raise ProposalNotFound(f"no proposal {workflow_id!r} in the register",
                                   field=where or None)
        if step_id in proposal.step_ids:
            return False
        try:
            check_agencies(step, uow.known_agencies())
            check_agencies(actor, uow.known_agencies(), "actor")
            for name, document in _documents_of(step):
                self._claim(uow, document, name)
            before = proposal.state
            proposal.take(step, actor, step_id=step_id, at=uow.at, today=today)
            if isinstance(step, Decide) and step.outcome in (
                    Outcome.APPROVED, Outcome.APPROVED_WITH_MODIFICATIONS):
                self._record_decision(uow, before, step, actor)
            if isinstance(step, Notify):
                self._record_notice_of(uow, proposal, step, actor)
        except RegisterError as error:
            raise _located(error, where) from None
        return True

    def _record_decision(self, uow: UnitOfWork, before: Any, step: Decide, actor: Actor) -> None:
        meeting = SourceDocument(kind=DocumentKind.MEETING, date=step.meeting_date,
                                 issuer="CABINET", title=before.title)
        record = ResolutionRecord(meeting_date=step.meeting_date, subject=before.title,
                                  source=meeting, clauses=resolution_clauses(before, step),
                                  actor=actor)
        self._record_resolution(uow, record, "decision")

    def _record_notice_of(self, uow: UnitOfWork, proposal: Proposal, step: Notify,
                          actor: Actor) -> None:
        state = proposal.state
        assert state.meeting_date is not None
        resolution = uow.get(resolution_id(state.meeting_date, state.title), Resolution)
        if resolution is None:
            raise ResolutionNotFound("the decision's resolution is not in the register")
        resolution.record_notice(notice=step.circular, recipients=step.recipients, actor=actor,
                                 at=uow.at)

    def refuse_attempt(self, workflow_id: str, *, attempt_id: str, step: str, actor: str,
                       reason: str, field: str | None, payload: str) -> None:
        """Keep a refused attempt for auditors (it changes nothing else)."""
        def command(uow: UnitOfWork) -> None:
            log = uow.get(refusals_id(workflow_id), RefusalLog) or uow.add(
                RefusalLog.open(workflow_id, uow.at))
            log.refuse(attempt_id=attempt_id, step=step, actor=actor, reason=reason,
                       field=field, payload=payload, at=uow.at)
        self._run(command)

    def proposal(self, workflow_id: str) -> Proposal:
        try:
            found: Proposal = self.repository.get(proposal_id(workflow_id))
        except AggregateNotFoundError:
            raise ProposalNotFound(f"no proposal {workflow_id!r} in the register") from None
        return found

    # --- import ------------------------------------------------------------------------

    def import_file(self, content: ImportFile,
                    progress: Callable[[int], None] | None = None) -> int:
        """Record every record of the file in one transaction; the number of events."""
        def command(uow: UnitOfWork) -> None:
            done = 0
            for agency in content.agencies:
                self._register_agency(uow, agency, Actor(agency="SOC"))
                done = _tick(progress, done)
            for i, holiday in enumerate(content.holidays):
                self._declare_holiday(uow, holiday, Actor(agency="SOC"), f"holidays[{i}]")
                done = _tick(progress, done)
            for i, resolution in enumerate(content.resolutions):
                self._record_resolution(uow, resolution, f"resolutions[{i}]")
                done = _tick(progress, done)
            for i, proposal in enumerate(content.proposals):
                self._import_proposal(uow, proposal, f"proposals[{i}]")
                done = _tick(progress, done)
        # What this import wrote, not the log's growth, which includes the
        # events of any command that committed meanwhile.
        written: int = self._run(command, optimistic=True, counted=True)
        return written

    def _import_proposal(self, uow: UnitOfWork, record: ProposalRecord, where: str) -> None:
        workflow_id = record.workflow_id
        first = record.steps[0]
        self._draft(uow, workflow_id, record.draft, first.actor, record.step_id(0),
                    f"{where}.steps[0].step")
        for i, taken in enumerate(record.steps[1:], start=1):
            self._take_step(uow, workflow_id, taken.step, taken.actor, record.step_id(i), None,
                             f"{where}.steps[{i}].step")

    # --- reading -----------------------------------------------------------------------

    def resolution(self, rid: UUID) -> Resolution:
        try:
            found: Resolution = self.repository.get(rid)
        except AggregateNotFoundError:
            raise ResolutionNotFound(f"no resolution {rid} in the register") from None
        return found

    def history(self, aggregate_id: UUID) -> Iterable[Any]:
        """Every event of one aggregate, oldest first."""
        return self.events.get(aggregate_id)


_AGENCY_TOPICS = (get_topic(AgencyDirectory.Opened), get_topic(AgencyDirectory.AgencyRegistered))


def _documents_of(step: Step) -> Iterator[tuple[str, SourceDocument]]:
    for name in type(step).model_fields:
        value = getattr(step, name)
        if isinstance(value, SourceDocument):
            yield name, value


def _join(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def _tick(progress: Callable[[int], None] | None, done: int) -> int:
    if progress is not None:
        progress(done + 1)
    return done + 1
