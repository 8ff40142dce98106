"""The values a proposal's state is made of: its stage, its opinion slots, its items' order.

Kept apart from the steps so that a step's rule and the state it changes
can both use them without importing each other.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.values import Clause, SourceDocument


class Stage(StrEnum):
    DRAFTED = "drafted"
    ENDORSED = "endorsed"
    APPROVED = "approved_for_submission"
    SUBMITTED = "submitted"
    CONSULTING = "consulting"
    AMENDMENT_PENDING = "amendment_pending"
    SCHEDULED = "scheduled"
    DEFERRED = "deferred"
    DECIDED = "decided"
    CLOSED = "closed"


OPEN = (Stage.SUBMITTED, Stage.CONSULTING)
"""With the Secretariat and not yet on an agenda."""
BEFORE_DECISION = (
    Stage.DRAFTED, Stage.ENDORSED, Stage.APPROVED, Stage.SUBMITTED, Stage.CONSULTING,
    Stage.AMENDMENT_PENDING, Stage.SCHEDULED, Stage.DEFERRED,
)


class Stance(StrEnum):
    CONCUR = "concur"
    CONCUR_WITH_REMARKS = "concur_with_remarks"
    OBJECT = "object"


class Outcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_MODIFICATIONS = "approved_with_modifications"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    RETURNED = "returned"


class SlotStatus(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    WAIVED = "waived"


class OpinionRecord(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    letter: SourceDocument
    stance: Stance
    remarks: tuple[str, ...] = ()
    supersedes: str | None = None


class OpinionSlot(BaseModel):
    """One agency's opinion request: its deadline, status and the opinions given."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    agency: str
    requested_by: SourceDocument
    due: date
    status: SlotStatus = SlotStatus.PENDING
    reminded: bool = False
    overdue: bool = False
    review: bool = False
    opinions: tuple[OpinionRecord, ...] = ()

    @property
    def current(self) -> OpinionRecord | None:
        return self.opinions[-1] if self.opinions else None


def clause_sort_key(number: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in number.split("."))


def merge_items(items: tuple[Clause, ...], changes: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """``items`` with ``changes`` added or replacing the item of the same number, in order."""
    by_number = {c.number: c for c in items}
    by_number.update({c.number: c for c in changes})
    return tuple(sorted(by_number.values(), key=lambda c: clause_sort_key(c.number)))


class DocumentCorrection(BaseModel):
    """A later step's correction of a recorded document: what it should have said, and why."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    version: int
    """The proposal's version (its event) that recorded the correction."""
    document: SourceDocument
    reason: str


class DocumentOnRecord(BaseModel):
    """A document a recorded step rests on, as recorded, with any corrections made since."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    version: int
    """The proposal's version (its event) that recorded the step; ``history`` shows it."""
    step: str
    field: str
    """The step's field holding the document (``letter``, ``memo``, ``circular``)."""
    party: str | None
    """The agency that took the step (the permit's party on this proposal)."""
    document: SourceDocument
    """As first recorded; never changed."""
    follows: int | None = None
    """The version of the step this one followed (its document must not be dated earlier)."""
    corrections: tuple[DocumentCorrection, ...] = ()

    @property
    def current(self) -> SourceDocument:
        """The document as last corrected (or as recorded, if never corrected)."""
        return self.corrections[-1].document if self.corrections else self.document
