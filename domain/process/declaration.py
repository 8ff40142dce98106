"""What a proposal step declares, once: its payload, who may take it, when, and what it changes.

A step is one frozen model (see ``signing``, ``consultation``, ``meeting``):

- its fields are the payload, the same wherever the step is taken (the
  register's event, the import file, the workflow's update, the CLI, the API);
- who may take it is ``domain.permissions.PERMITS[step]``, the one table;
- when: ``stages`` it may be taken in, and ``check_more`` for anything else;
- what it changes: ``evolve``;
- ``event_name``: the register's event recording it (``Proposal.<event_name>``).

The register's event classes, the workflow's updates, the CLI's options and
the API's routes are derived from these declarations (``steps.STEP_TYPES``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

from domain import permissions
from domain.errors import InvalidInput, WrongStage
from domain.permissions import Actor, Party
from domain.process.stages import DocumentOnRecord, OpinionSlot, SlotStatus, Stage
from domain.values import Clause, SourceDocument

if TYPE_CHECKING:
    from domain.process.state import ProposalState


class ProcessStep(BaseModel):
    """The base of every step model; a subclass sets ``step`` to a ``Literal`` name."""

    # Schemas are built on first use, not at import: a question to the register
    # imports these models without validating any. (Field docstrings are read by
    # the CLI when it needs them, cli.step_options: pydantic reading them would
    # parse every step's source at import.)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    step: str

    event_name: ClassVar[str]
    """The class name of the register's event, ``Proposal.<event_name>``; never renamed."""
    stages: ClassVar[tuple[Stage, ...]] = ()
    """The stages the step may be taken in."""
    doing: ClassVar[str]
    """The step in words, for a refusal: "cannot {doing} while the proposal is …"."""
    document_kind: ClassVar[str] = "letter"
    """The usual kind of the document the step rests on, if the person does not say."""
    short_names: ClassVar[Mapping[str, str]] = {}
    """How a person types a field's name, where it is not the field's own (CLI, forms)."""
    records_documents: ClassVar[bool] = True
    """Its documents go on the proposal's record (a correction's does not: it amends one)."""

    @classmethod
    def name(cls) -> str:
        default = cls.model_fields["step"].default
        assert isinstance(default, str), f"{cls.__name__}.step needs a Literal default"
        return default

    @classmethod
    def by_engine(cls) -> bool:
        """True for the steps only the engine takes, on a timer (never a person's update)."""
        return permissions.PERMITS[cls.name()].roles == permissions.ENGINE_ONLY

    def describe(self) -> str:
        """The step in a few words for a proposal's history: its document, agency or meeting."""
        for name in ("letter", "document", "circular", "memo"):
            document = getattr(self, name, None)
            if document is not None:
                return str(document.describe())
        agency = getattr(self, "agency", None)
        if agency is not None:
            due = getattr(self, "due", None)
            return f"{agency}, due {due}" if due else str(agency)
        meeting = getattr(self, "meeting_date", None)
        if meeting is not None:
            return f"meeting of {meeting}"
        return self.step

    # --- the rule ----------------------------------------------------------------------

    def check(self, state: ProposalState, actor: Actor, today: date | None, *,
              dates: bool = True) -> None:
        """Raise unless ``actor`` may take this step now: who, then when, then the rest.

        ``dates=False`` leaves out the rules on dates (``check_dates``), for a
        workflow replaying steps it accepted before those rules existed.
        """
        permissions.check(self.step, actor, party_agency=self.party_agency(state))
        self.check_stage(state)
        self.check_more(state, today)
        if dates:
            self.check_dates(state, today)

    def documents(self) -> Iterator[tuple[str, SourceDocument]]:
        """The documents the step rests on, by field name."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SourceDocument):
                yield name, value

    def claims(self, state: ProposalState) -> Iterator[tuple[str, SourceDocument]]:
        """The documents whose numbers the register claims for this step."""
        return self.documents()

    def check_dates(self, state: ProposalState, today: date | None) -> None:
        """No document dated after the acting day, nor before the step it follows."""
        followed = state.followed
        for name, document in self.documents():
            refuse_future(document, today, name)
            if followed is not None:
                refuse_earlier(document, followed, name)

    def party_agency(self, state: ProposalState) -> str | None:
        """The agency the permit's party stands for on this proposal."""
        party = permissions.PERMITS[self.step].party
        if party is Party.PROPOSER:
            return state.proposer
        if party is Party.SUPERVISOR:
            return state.supervisor
        if party is Party.TAKER:
            return self.taken_by(state)
        if party is Party.NAMED_AGENCY:
            agency = getattr(self, "agency", None)
            assert isinstance(agency, str), f"{self.step} names no agency"
            return agency
        return None

    def taken_by(self, state: ProposalState) -> str | None:
        """For a step on another step's record: the agency that took that step."""
        raise NotImplementedError(f"{type(self).__name__} refers to no recorded step")

    def check_stage(self, state: ProposalState) -> None:
        require_stage(state, self.stages, self.doing)

    def check_more(self, state: ProposalState, today: date | None) -> None:
        """What else must hold (dates, slots, items); nothing by default."""

    def evolve(self, state: ProposalState) -> ProposalState:
        """The state after this step; call ``check`` first."""
        raise NotImplementedError(f"{type(self).__name__} declares no evolve")

    def taken(self, state: ProposalState) -> ProposalState:
        """``evolve``, and the step's documents put on the proposal's record."""
        after = self.evolve(state)
        version = state.steps_taken + 1
        party = self.party_agency(state) if self.records_documents else None
        new = tuple(DocumentOnRecord(version=version, step=self.step, field=name, party=party,
                                     document=document, follows=state.stage_set_by)
                    for name, document in self.documents()) if self.records_documents else ()
        moved = bool(new) and after.stage is not state.stage
        return after.model_copy(update={
            "steps_taken": version, "documents": after.documents + new,
            "stage_set_by": version if moved else after.stage_set_by})


# --- checks and changes several steps share ------------------------------------------


def require_stage(state: ProposalState, allowed: tuple[Stage, ...], doing: str) -> None:
    if state.stage not in allowed:
        raise WrongStage(
            f"cannot {doing} while the proposal is {state.stage.value}; "
            f"allowed when {', '.join(s.value for s in allowed)}",
            field="stage",
        )


def refuse_future(document: SourceDocument, today: date | None, field: str) -> None:
    if today is not None and document.date > today:
        raise InvalidInput(f"the document is dated {document.date.isoformat()}, after today "
                           f"({today.isoformat()})", field=f"{field}.date")


def refuse_earlier(document: SourceDocument, followed: DocumentOnRecord, field: str) -> None:
    before = followed.current
    if document.date < before.date:
        raise InvalidInput(
            f"the document is dated {document.date.isoformat()}, before the {followed.step} "
            f"it follows ({before.describe()})", field=f"{field}.date")


def pending_slot(state: ProposalState, agency: str, doing: str) -> OpinionSlot:
    slot = state.slot(agency)
    if slot is None or slot.status is not SlotStatus.PENDING:
        raise WrongStage(f"cannot {doing}: no opinion is outstanding from {agency}",
                         field="agency")
    return slot


def check_unique_numbers(items: tuple[Clause, ...], field: str) -> None:
    seen: set[str] = set()
    for i, clause in enumerate(items):
        if clause.number in seen:
            raise InvalidInput(f"item {clause.number} appears twice", field=f"{field}[{i}].number")
        seen.add(clause.number)


def with_slot(state: ProposalState, slot: OpinionSlot) -> ProposalState:
    """``state`` with ``slot`` replacing the slot of the same agency."""
    slots = tuple(slot if s.agency == slot.agency else s for s in state.slots)
    return state.model_copy(update={"slots": slots})

