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

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

from domain import permissions
from domain.errors import InvalidInput, WrongStage
from domain.permissions import Actor, Party
from domain.process.stages import OpinionSlot, SlotStatus, Stage
from domain.values import Clause

if TYPE_CHECKING:
    from domain.process.state import ProposalState


class ProcessStep(BaseModel):
    """The base of every step model; a subclass sets ``step`` to a ``Literal`` name."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

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

    def check(self, state: ProposalState, actor: Actor, today: date | None) -> None:
        """Raise unless ``actor`` may take this step now: who, then when, then the rest."""
        permissions.check(self.step, actor, party_agency=self.party_agency(state))
        self.check_stage(state)
        self.check_more(state, today)

    def party_agency(self, state: ProposalState) -> str | None:
        """The agency the permit's party stands for on this proposal."""
        party = permissions.PERMITS[self.step].party
        if party is Party.PROPOSER:
            return state.proposer
        if party is Party.SUPERVISOR:
            return state.supervisor
        if party is Party.NAMED_AGENCY:
            agency = getattr(self, "agency", None)
            assert isinstance(agency, str), f"{self.step} names no agency"
            return agency
        return None

    def check_stage(self, state: ProposalState) -> None:
        require_stage(state, self.stages, self.doing)

    def check_more(self, state: ProposalState, today: date | None) -> None:
        """What else must hold (dates, slots, items); nothing by default."""

    def evolve(self, state: ProposalState) -> ProposalState:
        """The state after this step; call ``check`` first."""
        raise NotImplementedError(f"{type(self).__name__} declares no evolve")


# --- checks and changes several steps share ------------------------------------------


def require_stage(state: ProposalState, allowed: tuple[Stage, ...], doing: str) -> None:
    if state.stage not in allowed:
        raise WrongStage(
            f"cannot {doing} while the proposal is {state.stage.value}; "
            f"allowed when {', '.join(s.value for s in allowed)}",
            field="stage",
        )


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

