"""The register: the service layer over the event store, one method per verb.

Each verb checks who acts against the permission table, then runs one
command in a unit of work that ends in one ``save()``, so all it records
commits together or not at all: a refused command leaves the store exactly as
it was. The commands themselves live beside this module: ``recording``
(resolutions, notices, agencies, holidays), ``proposals`` and ``decisions``
(a proposal's steps and what they record), ``imports`` (a whole file), and
``unit_of_work`` (reading, saving, retrying on a conflict).

How events are stored is infrastructure, chosen by the environment the
composition root builds (``workers.settings``): the persistence module, the
mapper and transcoder (``MAPPER_TOPIC``, ``TRANSCODER_TOPIC``, the library's
own settings), and the error the store raises when two writers collide
(``CONFLICT_ERROR_TOPIC``, this register's setting).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.utils import Environment, EnvType, get_topic, resolve_topic

from domain.errors import ProposalNotFound, ResolutionNotFound
from domain.events import RegisterAggregate
from domain.ids import AGENCY_DIRECTORY_ID, REGISTER_LOG, proposal_id, refusals_id
from domain.paperwork.agencies import BUILTIN_AGENCIES
from domain.permissions import Actor, check
from domain.process.proposal import Proposal, RefusalLog
from domain.process.steps import Draft, Step
from domain.register import corrections, imports, proposals, recording
from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from domain.register.directories import AgencyDirectory, RecordedDocument
from domain.register.grants import RoleGrant, RoleRevocation, grant_role, revoke_role
from domain.register.imports import LOCAL_OPERATOR
from domain.register.records import (
    AgencyRecord,
    HolidayRecord,
    ImportFile,
    NoticeRecord,
    ResolutionRecord,
)
from domain.register.resolution import Resolution
from domain.register.unit_of_work import UnitOfWork, run, run_counted
from domain.values import ResolutionRef

Clock = Callable[[], datetime]
T = TypeVar("T")

REQUIRED_SETTINGS = ("MAPPER_TOPIC", "CONFLICT_ERROR_TOPIC")
"""Settings the register cannot do without: how events are stored, how a conflict looks."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Register(Application[UUID]):
    """The legal record: resolutions, clauses, rescissions, amendments, opinions."""

    name = REGISTER_LOG

    def __init__(self, env: EnvType | None = None, *, clock: Clock = utc_now,
                 infrastructure: tuple[Any, Any] | None = None) -> None:
        # ``infrastructure``: the factory and recorder a process already opened to read
        # the log (workers.bootstrap), so that the register shares their connections.
        self._infrastructure = infrastructure
        super().__init__(env)
        self.clock = clock
        self.conflict: type[Exception] = resolve_topic(self.env.get("CONFLICT_ERROR_TOPIC", ""))
        self._agencies: tuple[int, frozenset[str]] | None = None
        self._legacy_claims: bool | None = None

    def construct_factory(self, env: Environment) -> Any:
        if self._infrastructure is not None:
            return self._infrastructure[0]
        return super().construct_factory(env)

    def construct_recorder(self) -> Any:
        if self._infrastructure is not None:
            return self._infrastructure[1]
        return super().construct_recorder()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        built = super().construct_env(name, env)
        missing = [key for key in REQUIRED_SETTINGS if not built.get(key)]
        if missing:
            raise ValueError(f"the register's environment lacks {', '.join(missing)}: "
                             "open it through workers.settings (register_env)")
        return built

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

    def has_legacy_claims(self) -> bool:
        """Whether the store holds document claims keyed by the number alone (earlier code).

        Asked once per process: today's code never writes such claims, so a
        store without them when first asked never gets any.
        """
        if self._legacy_claims is None:
            self._legacy_claims = bool(self.recorder.select_notifications(
                start=None, limit=1, topics=_LEGACY_CLAIM_TOPICS))
        return self._legacy_claims

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

    def _run(self, command: Callable[[UnitOfWork], T], *, optimistic: bool = False,
             commit: bool = True) -> T:
        return run(self, command, at=self.clock(), conflict=self.conflict,
                   optimistic=optimistic, commit=commit)

    # --- resolutions -------------------------------------------------------------------

    def record_resolution(self, record: ResolutionRecord) -> UUID:
        """Record a resolution in the name of ``record.actor``; its id."""
        check("record_resolution", record.actor)
        return self._run(lambda uow: recording.record_resolution(uow, record, ""))

    def record_notice(self, ref: ResolutionRef, notice: NoticeRecord, actor: Actor) -> UUID:
        check("record_notice", actor)
        return self._run(lambda uow: recording.record_notice(uow, ref, notice, actor))

    # --- directories -------------------------------------------------------------------

    def register_agency(self, record: AgencyRecord, actor: Actor) -> None:
        check("register_agency", actor)
        self._run(lambda uow: recording.register_agency(uow, record, actor))

    def declare_holiday(self, record: HolidayRecord, actor: Actor) -> None:
        check("declare_holiday", actor)
        self._run(lambda uow: recording.declare_holiday(uow, record, actor, ""))

    def revoke_holiday(self, record: HolidayRevocation, actor: Actor) -> None:
        check("revoke_holiday", actor)
        self._run(lambda uow: corrections.revoke_holiday(uow, record, actor))

    def move_holiday(self, record: HolidayMove, actor: Actor) -> None:
        check("move_holiday", actor)
        self._run(lambda uow: corrections.move_holiday(uow, record, actor))

    def rename_agency(self, record: AgencyRename, actor: Actor) -> None:
        check("rename_agency", actor)
        self._run(lambda uow: corrections.rename_agency(uow, record, actor))

    def known_agencies(self) -> frozenset[str]:
        return UnitOfWork(self, self.clock()).known_agencies()

    def agency_directory(self) -> AgencyDirectory | None:
        """The directory of agencies beyond the built-in ones (None until one is added)."""
        try:
            found: AgencyDirectory = self.repository.get(AGENCY_DIRECTORY_ID)
        except AggregateNotFoundError:
            return None
        return found

    # --- accounts (role grants; credentials are kept outside the log) ------------------

    def grant_role(self, record: RoleGrant, actor: Actor) -> None:
        check("grant_role", actor)
        self._run(lambda uow: grant_role(uow, record, actor))

    def revoke_role(self, record: RoleRevocation, actor: Actor) -> None:
        check("revoke_role", actor)
        self._run(lambda uow: revoke_role(uow, record, actor))

    # --- proposals ---------------------------------------------------------------------

    def draft_proposal(self, workflow_id: str, step: Draft, actor: Actor, *,
                       step_id: str) -> bool:
        return self._run(lambda uow: proposals.draft(uow, workflow_id, step, actor, step_id, ""))

    def check_draft(self, workflow_id: str, step: Draft, actor: Actor) -> None:
        """Raise what ``draft_proposal`` would refuse, recording nothing."""
        self._run(lambda uow: proposals.draft(uow, workflow_id, step, actor, "check", ""),
                  commit=False)

    def take_step(self, workflow_id: str, step: Step, actor: Actor, *, step_id: str,
                  today: date | None = None) -> bool:
        """Record a step; False if this step id was already recorded (a retry)."""
        return self._run(lambda uow: proposals.take_step(uow, workflow_id, step, actor,
                                                         step_id, today, ""))

    def refuse_attempt(self, workflow_id: str, *, attempt_id: str, step: str, actor: str,
                       reason: str, field: str | None, payload: str,
                       username: str | None = None) -> None:
        """Keep a refused attempt for auditors (it changes nothing else); ``username``: the
        signed-in account that tried, where one did."""
        def command(uow: UnitOfWork) -> None:
            log = uow.get(refusals_id(workflow_id), RefusalLog) or uow.add(
                RefusalLog.open(workflow_id, uow.at))
            log.refuse(attempt_id=attempt_id, step=step, actor=actor, reason=reason,
                       field=field, payload=payload, at=uow.at, username=username)
        self._run(command)

    def proposal(self, workflow_id: str) -> Proposal:
        try:
            found: Proposal = self.repository.get(proposal_id(workflow_id))
        except AggregateNotFoundError:
            raise ProposalNotFound(f"no proposal {workflow_id!r} in the register") from None
        return found

    # --- import ------------------------------------------------------------------------

    def import_file(self, content: ImportFile, progress: Callable[[int], None] | None = None,
                    *, actor: Actor = LOCAL_OPERATOR) -> int:
        """Record every record of the file in one transaction; the number of events.

        ``actor`` is who imports: the operator of this register unless a caller
        acting for someone else says who.
        """
        imports.check_import(content, actor)
        # What this import wrote, not the log's growth, which includes the
        # events of any command that committed meanwhile.
        _, written = run_counted(self, lambda uow: imports.import_content(uow, content, progress),
                                 at=self.clock(), conflict=self.conflict, optimistic=True)
        return written

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


_AGENCY_TOPICS = (get_topic(AgencyDirectory.Opened), get_topic(AgencyDirectory.AgencyRegistered),
                  get_topic(AgencyDirectory.AgencyRenamed))
_LEGACY_CLAIM_TOPICS = (get_topic(RecordedDocument.Registered),)
