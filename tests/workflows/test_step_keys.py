"""A step's key makes it one step however often it is sent; the workflow follows the register.

A caller that retries passes the key the step was first sent with (the CLI
keeps it until it learns the outcome: cli/pending_steps.py), so the same step
sent twice is one step: the second answer says nothing new was recorded. A
key given for another step is refused by name. When the
register holds a step the workflow lacks (here written into the register
directly, as a crash of the whole server leaves it), the next step the
workflow would refuse is accepted once the workflow has adopted the register's
steps; the ``reconcile`` update says which it adopted.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInput
from domain.ids import proposal_id
from domain.process.proposal import EVENT_FOR
from domain.process.steps import Endorse
from tests.workflows.driving import APPROVE, ENDORSE, SUBMIT, drive
from workflows.desk import new_key
from workflows.proposal import ProposalWorkflow


def endorsements(system, workflow_id: str) -> list[Any]:
    return [e for e in system.register.history(proposal_id(workflow_id))
            if isinstance(e, EVENT_FOR[Endorse])]


async def test_the_same_step_sent_twice_with_its_key_is_one_step(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, ENDORSE)
    endorse = proposal.steps[ENDORSE]
    key = new_key(endorse.step)

    first = await desk.act(workflow_id, endorse.step, endorse.actor, key=key)
    again = await desk.act(workflow_id, endorse.step, endorse.actor, key=key)

    assert (first.recorded, first.stage) == (True, "endorsed")
    assert (again.recorded, again.stage) == (False, "endorsed")
    (endorsed,) = endorsements(system, workflow_id)
    assert endorsed.step_id == key
    assert len((await desk.status(workflow_id)).history) == 2  # the draft, one endorsement


async def test_a_key_given_for_another_step_is_refused_by_name(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, APPROVE)
    (endorsed,) = endorsements(system, workflow_id)
    endorse_key = endorsed.step_id
    approve = proposal.steps[APPROVE]

    with pytest.raises(InvalidInput, match="already used for another step") as refused:
        await desk.act(workflow_id, approve.step, approve.actor, key=endorse_key)

    assert refused.value.field == "key"
    assert (await desk.status(workflow_id)).stage == "endorsed"


async def test_the_workflow_adopts_a_step_only_the_register_holds(desk, system, history):
    proposal = history.proposals[0]
    workflow_id = await drive(desk, proposal, APPROVE)
    approve, submit = proposal.steps[APPROVE], proposal.steps[SUBMIT]
    # What a crash of the whole server leaves: the register has the approval, Temporal not.
    assert system.register.take_step(workflow_id, approve.step, approve.actor, step_id="lost")
    assert (await desk.status(workflow_id)).stage == "endorsed"

    submitted = await desk.act(workflow_id, submit.step, submit.actor)

    assert (submitted.recorded, submitted.stage) == (True, "submitted")
    status = await desk.status(workflow_id)
    assert [h.step for h in status.history] == ["draft", "endorse", "approve", "submit"]
    assert "adopted from the register" in status.history[2].note
    handle = desk.client.get_workflow_handle(workflow_id)
    assert "lost" in await handle.query(ProposalWorkflow.taken_step_ids)
    assert (await handle.execute_update(ProposalWorkflow.reconcile)).adopted == ()
