"""The determinism guard: today's workflow code replays yesterday's recorded history.

histories/reference-case.json is the whole reference case as the workflow
ran it (written by scripts/record-history). Temporal rebuilds a workflow's
state by replaying its history through the current code, so a change that
makes the code issue different commands for the same history breaks every
proposal in flight. Replaying the recorded history catches such a change
before it ships; a deliberately changed copy of the workflow shows that the
guard does fail when it should.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain.process import rules as process
from domain.process.steps import Draft
from domain.register.records import ImportFile, proposal_workflow_id
from workflows.contracts import ProposalOutcome, StartProposal
from workflows.proposal import ProposalWorkflow

HISTORY = Path(__file__).parent / "histories" / "reference-case.json"


@pytest.fixture(scope="module")
def recorded(case: ImportFile) -> WorkflowHistory:
    draft = case.proposals[0].steps[0].step
    assert isinstance(draft, Draft)
    return WorkflowHistory.from_json(proposal_workflow_id(draft), HISTORY.read_text())


def test_the_recorded_history_is_the_whole_reference_case(recorded):
    kinds = [event.WhichOneof("attributes") for event in recorded.events]
    assert kinds[0] == "workflow_execution_started_event_attributes"
    assert kinds[-1] == "workflow_execution_completed_event_attributes"
    assert kinds.count("workflow_execution_update_completed_event_attributes") == 14


async def test_the_current_workflow_replays_the_recorded_history(recorded):
    replayer = Replayer(workflows=[ProposalWorkflow], data_converter=pydantic_data_converter)

    result = await replayer.replay_workflow(recorded, raise_on_replay_failure=False)

    assert result.replay_failure is None


# --- a deliberately nondeterministic change, to prove the guard works ----------------------


@workflow.defn(name="ProposalWorkflow")
class ProposalWorkflowThatSkipsTheDraft(ProposalWorkflow):
    """NOT the production workflow: a deliberately changed copy under the same type name.

    It inherits every update, validator and query unchanged; the one change is
    that ``run`` no longer records the draft in the register. The recorded
    history holds the draft's local-activity marker where this code now runs
    the endorsement's activity, which is the kind of edit that breaks proposals
    in flight.
    """

    @workflow.run
    async def run(self, start: StartProposal) -> ProposalOutcome:
        self.drafted = True  # the change: the draft's local activity is gone
        while self.state.stage is not process.Stage.CLOSED:
            await self._wait_for_change_or_timer()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ProposalOutcome(workflow_id=self.workflow_id, outcome=self.state.outcome,
                               meeting_date=self.state.meeting_date, steps=len(self.history))


async def test_a_changed_workflow_fails_to_replay_the_recorded_history(recorded):
    replayer = Replayer(workflows=[ProposalWorkflowThatSkipsTheDraft],
                        data_converter=pydantic_data_converter)

    with pytest.raises(workflow.NondeterminismError):
        await replayer.replay_workflow(recorded)
