"""Every staff step is an update named as the step, taken by one handler.

The handler knows the steps from their declarations; an update of any other
name, or one whose payload is another step, is refused by the validator
before anything is recorded, and says why.
"""

from __future__ import annotations

import re

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.process.steps import STAFF_STEPS
from tests.workflows.driving import APPROVE, drive, topics_since, trace
from workflows.contracts import UPDATE_FOR_STEP, StepRequest, request_model


def test_each_staff_step_is_the_update_of_its_own_name():
    assert set(UPDATE_FOR_STEP) == set(STAFF_STEPS)
    assert all(update == name for name, (update, _) in UPDATE_FOR_STEP.items())
    assert {"endorse", "request_opinions", "opinion", "decide", "notify"} <= set(STAFF_STEPS)
    opinion = request_model("opinion")
    assert issubclass(opinion, StepRequest)
    assert opinion.model_fields["step"].annotation is STAFF_STEPS["opinion"]


@pytest.mark.parametrize(("update", "complaint"), [
    ("sign", "there is no step 'sign'; the steps are endorse, approve, "),
    ("remind", "there is no step 'remind'"),  # the engine's own step, not a person's update
    ("submit", r"step\.step\s+Input should be 'submit'"),
])
async def test_an_update_that_names_no_staff_step_is_refused(desk, system, history, update,
                                                             complaint):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, APPROVE)
    before = await trace(desk, system, workflow_id)
    approve = proposal.steps[APPROVE]

    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await desk.client.get_workflow_handle(workflow_id).execute_update(
            update, StepRequest(actor=approve.actor, step=approve.step))

    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.details[:2] == ("step.step" if update == "submit" else "step",
                                 "InvalidInput")
    assert re.search(complaint, cause.message)
    after = await trace(desk, system, workflow_id)
    assert after.version == before.version
    assert topics_since(system, before) == []
    assert after.status == before.status

    taken = await desk.act(workflow_id, approve.step, approve.actor)
    assert taken.stage == "approved_for_submission"
