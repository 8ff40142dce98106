"""A proposal's state: what the steps taken so far add up to."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.process.signing import Amend, Draft
from domain.process.stages import DocumentOnRecord, OpinionSlot, SlotStatus, Stage
from domain.values import Clause, SourceDocument


class ProposalState(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    proposer: str
    supervisor: str
    title: str
    memo: SourceDocument
    stage: Stage = Stage.DRAFTED
    items: tuple[Clause, ...]
    slots: tuple[OpinionSlot, ...] = ()
    amendments: int = 0
    amendment_endorsement: SourceDocument | None = None
    pending_amendment: Amend | None = None
    meeting_date: date | None = None
    outcome: str | None = None
    circular: SourceDocument | None = None
    steps_taken: int = 1
    """How many steps are recorded: the proposal's version after the latest one."""
    documents: tuple[DocumentOnRecord, ...] = ()
    """Every document a step rested on, by the version that recorded it."""
    stage_set_by: int | None = None
    """The version of the latest step with a document that moved the stage: the step a
    new document follows, and must not be dated before."""

    @classmethod
    def start(cls, draft: Draft) -> ProposalState:
        memo = DocumentOnRecord(version=1, step=draft.step, field="memo", party=draft.proposer,
                                document=draft.memo)
        return cls(proposer=draft.proposer, supervisor=draft.supervisor, title=draft.title,
                   memo=draft.memo, items=draft.items, documents=(memo,), stage_set_by=1)

    def document_at(self, version: int) -> DocumentOnRecord | None:
        """The document the step recorded as ``version`` rests on, if it rests on one."""
        return next((d for d in self.documents if d.version == version), None)

    @property
    def followed(self) -> DocumentOnRecord | None:
        """The document of the step that moved the proposal into its current stage."""
        return self.document_at(self.stage_set_by) if self.stage_set_by else None

    def slot(self, agency: str) -> OpinionSlot | None:
        return next((s for s in self.slots if s.agency == agency), None)

    @property
    def pending(self) -> tuple[OpinionSlot, ...]:
        return tuple(s for s in self.slots if s.status is SlotStatus.PENDING)


def next_to_act(state: ProposalState) -> str:
    """Who must act next, in words for the status board."""
    match state.stage:
        case Stage.DRAFTED:
            return f"{state.supervisor}: endorse"
        case Stage.ENDORSED:
            return "PM: approve for submission"
        case Stage.APPROVED:
            return f"{state.proposer}: submit to SOC"
        case Stage.SUBMITTED:
            return "SOC: request opinions or schedule"
        case Stage.CONSULTING:
            if state.pending:
                return ", ".join(f"{s.agency}: opinion" for s in state.pending)
            return "SOC: schedule (or request a review)"
        case Stage.AMENDMENT_PENDING:
            return f"{state.supervisor}: endorse the amendment"
        case Stage.SCHEDULED:
            return f"SOC: record the decision of {state.meeting_date}"
        case Stage.DEFERRED:
            return f"waiting for the meeting of {state.meeting_date}"
        case Stage.DECIDED:
            return "SOC: notify the resolution"
    return "nobody: closed"
