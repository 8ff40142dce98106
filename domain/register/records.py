"""What staff hand the register: records of resolutions, agencies, holidays, proposals.

The import file is a list of these; the CLI and the workflow build the same
models, so there is one definition of a well-formed record.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.errors import InvalidInput
from domain.paperwork.fields import Line, ThaiDate
from domain.paperwork.letter_numbers import parse_document_number
from domain.permissions import Actor
from domain.process.steps import Draft, Step
from domain.values import AgencyCode, Clause, SourceDocument

DEFAULT_ACTOR = Actor(agency="SOC")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class AgencyRecord(_Record):
    code: AgencyCode
    name_th: Line
    name_en: Line


class HolidayRecord(_Record):
    date: ThaiDate
    name: Line
    source: SourceDocument


class NoticeRecord(_Record):
    circular: SourceDocument
    recipients: tuple[Line, ...] = ()


class ResolutionRecord(_Record):
    meeting_date: ThaiDate
    subject: Line
    source: SourceDocument
    effective_from: ThaiDate | None = None
    clauses: tuple[Clause, ...] = Field(min_length=1)
    notices: tuple[NoticeRecord, ...] = ()
    actor: Actor = DEFAULT_ACTOR

    @model_validator(mode="after")
    def _clause_numbers_unique(self) -> ResolutionRecord:
        seen: set[str] = set()
        for clause in self.clauses:
            if clause.number in seen:
                raise ValueError(f"clause {clause.number} appears twice")
            seen.add(clause.number)
        return self


class StepRecord(_Record):
    actor: Actor
    step: Step


class ProposalRecord(_Record):
    """A proposal's history, first step a draft, as it happened (no workflow needed)."""

    steps: tuple[StepRecord, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _starts_with_draft(self) -> ProposalRecord:
        if not isinstance(self.steps[0].step, Draft):
            raise ValueError("a proposal's first step must be its draft")
        if any(isinstance(s.step, Draft) for s in self.steps[1:]):
            raise ValueError("a proposal has one draft step, the first")
        return self

    @property
    def draft(self) -> Draft:
        step = self.steps[0].step
        assert isinstance(step, Draft)
        return step

    @property
    def workflow_id(self) -> str:
        return proposal_workflow_id(self.draft)

    def step_id(self, index: int) -> str:
        """Stable across re-imports of the same file, so a re-import records nothing."""
        record = self.steps[index]
        digest = hashlib.sha256(record.model_dump_json().encode()).hexdigest()[:16]
        return f"import:{index}:{digest}"


class ImportFile(_Record):
    """The import format: every section optional, recorded in this order."""

    format: int = Field(default=1, ge=1, le=1)
    agencies: tuple[AgencyRecord, ...] = ()
    holidays: tuple[HolidayRecord, ...] = ()
    resolutions: tuple[ResolutionRecord, ...] = ()
    proposals: tuple[ProposalRecord, ...] = ()

    @property
    def size(self) -> int:
        return (len(self.agencies) + len(self.holidays) + len(self.resolutions)
                + len(self.proposals))


def proposal_workflow_id(draft: Draft) -> str:
    """The proposal's id: its proposer and the number of its first document."""
    if draft.memo.number is None:
        # Named as the field at fault: a form or API body without it is the client's error.
        raise InvalidInput("the proposal's first document needs a number",
                           field="memo.number")
    number = parse_document_number(draft.memo.number)
    tail = f"-{number.sub}" if number.sub is not None else ""
    return f"{draft.proposer}-{number.office}-{number.number}{tail}"
