"""A proposal's state: what the steps taken so far add up to."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.process.signing import Amend, Draft
from domain.process.stages import OpinionSlot, SlotStatus, Stage
from domain.values import Clause, SourceDocument


class ProposalState(BaseModel):
    model_config = ConfigDict(frozen=True)

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

    @classmethod
    def start(cls, draft: Draft) -> ProposalState:
        return cls(proposer=draft.proposer, supervisor=draft.supervisor, title=draft.title,
                   memo=draft.memo, items=draft.items)

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
