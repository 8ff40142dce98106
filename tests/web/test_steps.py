"""Proposal steps through the API: recorded as the signed-in principal, once per key.

The case's proposal is started and stepped over HTTP on a real Temporal dev
server, each step signed in as the agency that takes it.
"""

from __future__ import annotations

import asyncio

from domain.ids import proposal_id
from domain.process.steps import STAFF_STEPS
from tests.web.conftest import bearer, case_token
from tests.workflows.driving import APPROVE, ENDORSE, SUBMIT

ENDORSED = ENDORSE + 1


def step_json(taken) -> dict:
    return taken.step.model_dump(mode="json")


async def started(stepping, proposal) -> str:
    draft = proposal.steps[0]
    response = await stepping.post("/api/proposals", json=step_json(draft),
                                   headers=bearer(case_token(draft.actor)))
    assert response.status_code == 201, response.text
    workflow_id = str(response.json()["workflow_id"])
    # The workflow records its draft in the register just after it starts.
    for _ in range(200):
        if events(stepping_system(stepping), workflow_id):
            return workflow_id
        await asyncio.sleep(0.025)
    raise AssertionError(f"the draft of {workflow_id} was never recorded")


def stepping_system(stepping):
    return stepping._transport.app.state.services.system


async def step(stepping, workflow_id: str, taken, *, key: str | None = None, token=None):
    headers = bearer(token or case_token(taken.actor))
    if key is not None:
        headers["Idempotency-Key"] = key
    return await stepping.post(f"/api/proposals/{workflow_id}/steps/{taken.step.step}",
                               json=step_json(taken), headers=headers)


def events(system, workflow_id: str) -> list:
    return list(system.register.history(proposal_id(workflow_id)))


async def test_the_case_steps_through_the_api_as_each_signed_in_agency(stepping, system,
                                                                      history):
    proposal = history.proposals[0]
    workflow_id = await started(stepping, proposal)
    for taken in proposal.steps[1:SUBMIT + 1]:
        response = await step(stepping, workflow_id, taken)
        assert response.status_code == 200, response.text
        assert response.json()["recorded"] is True
        assert response.headers["Idempotency-Key"].startswith(taken.step.step)

    recorded = events(system, workflow_id)
    assert [str(e.actor) for e in recorded] == ["OPDC:head", "DPM:head", "PM:head", "OPDC:head"]
    status = await stepping.get(f"/api/proposals/{workflow_id}", headers=bearer("moi-staff"))
    assert status.json()["stage"] == "submitted"


async def test_a_retried_post_with_its_key_records_the_step_once(stepping, system, history):
    proposal = history.proposals[0]
    workflow_id = await started(stepping, proposal)
    endorse = proposal.steps[ENDORSE]

    first = await step(stepping, workflow_id, endorse, key="endorse-retry-1")
    again = await step(stepping, workflow_id, endorse, key="endorse-retry-1")

    assert (first.status_code, first.json()["recorded"]) == (200, True)
    assert (again.status_code, again.json()["recorded"]) == (200, False)
    assert again.headers["Idempotency-Key"] == "endorse-retry-1"
    endorsements = [e for e in events(system, workflow_id) if e.step_id == "endorse-retry-1"]
    assert len(endorsements) == 1
    assert len(events(system, workflow_id)) == 2  # the draft and one endorsement


async def test_an_actor_in_the_body_is_refused_not_believed(stepping, system, history):
    proposal = history.proposals[0]
    workflow_id = await started(stepping, proposal)
    endorse = proposal.steps[ENDORSE]
    before = len(events(system, workflow_id))

    response = await stepping.post(
        f"/api/proposals/{workflow_id}/steps/endorse",
        json={**step_json(endorse), "actor": "DPM:head"}, headers=bearer("opdc-head"))

    assert response.status_code == 422
    assert response.json()["field"] == "actor"
    assert len(events(system, workflow_id)) == before


async def test_the_openapi_document_lists_every_step(stepping):
    document = (await stepping.get("/api/openapi.json")).json()
    for name, step_type in STAFF_STEPS.items():
        route = document["paths"][f"/api/proposals/{{workflow_id}}/steps/{name}"]["post"]
        body = route["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith(f"/{step_type.__name__}")
        assert "Idempotency-Key" in [p["name"] for p in route["parameters"]]
    assert "/api/proposals/{workflow_id}/steps/remind" not in document["paths"]  # the engine's


async def test_approval_is_refused_to_anyone_but_the_pm(stepping, system, history):
    proposal = history.proposals[0]
    workflow_id = await started(stepping, proposal)
    assert (await step(stepping, workflow_id, proposal.steps[ENDORSE])).status_code == 200
    approve = proposal.steps[APPROVE]
    assert len(events(system, workflow_id)) == ENDORSED

    response = await step(stepping, workflow_id, approve, token="soc-head")

    assert response.status_code == 403
    assert response.json()["field"] == "actor"
    assert "PM" in response.json()["detail"]
    assert len(events(system, workflow_id)) == ENDORSED
