"""Who acts is the signed-in account: a draft's proposer is its agency, and every refusal
kept names the account (its username beside its actor), in the register and its answers."""

from __future__ import annotations

import pytest
from temporalio.service import RPCError

from domain.permissions import Actor, Role
from domain.process.proposal import RefusalLog
from domain.register.records import proposal_workflow_id
from tests.support.memos import with_unique_memo
from tests.web.accounts import (
    PASSWORD,
    credentials_of,
    events_since,
    grant_accounts,
    log_length,
    recorded_draft,
)
from tests.web.test_problems import problem
from tests.workflows.driving import APPROVE, ENDORSE

OPDC_HEAD, SOC_HEAD = Actor(agency="OPDC", role=Role.HEAD), Actor(agency="SOC", role=Role.HEAD)
DPM_HEAD = Actor(agency="DPM", role=Role.HEAD)


@pytest.fixture
def accounts(signed_register, signed_services):
    return grant_accounts(signed_register, credentials_of(signed_services),
                          (OPDC_HEAD, SOC_HEAD, DPM_HEAD), password=PASSWORD)


async def test_a_draft_naming_another_proposer_is_403_naming_proposer(
        signed_client, signed_services, signed_register, accounts, case):
    draft = with_unique_memo(case).proposals[0].steps[0].step
    as_pm = draft.model_copy(update={"proposer": "PM"})
    before = log_length(signed_register)

    body = problem(await signed_client.post("/api/proposals", headers=accounts[OPDC_HEAD].headers,
                                            json=as_pm.model_dump(mode="json")), 403, "proposer")

    assert "PM" in body["detail"] and "OPDC" in body["detail"]
    kept = events_since(signed_register, before)
    assert all(type(e).__qualname__.startswith("RefusalLog.") for e in kept)
    (attempt,) = [e for e in kept if isinstance(e, RefusalLog.AttemptRefused)]
    assert (attempt.username, attempt.actor, attempt.field) == ("opdc-head", "OPDC:head",
                                                                "proposer")
    with pytest.raises(RPCError):  # no workflow was started under either proposer
        await signed_services.desk.client.get_workflow_handle(
            proposal_workflow_id(as_pm)).describe()
    # Its own agency's proposer, given or left out, is the same proposal.
    started = await signed_client.post("/api/proposals", headers=accounts[OPDC_HEAD].headers,
                                       json=draft.model_dump(mode="json", exclude={"proposer"}))
    assert started.status_code == 201, started.text
    assert started.json()["workflow_id"] == proposal_workflow_id(draft)


async def test_the_refusals_answer_names_the_account_that_tried(
        signed_client, signed_register, accounts, case):
    proposal = with_unique_memo(case).proposals[0]
    started = await signed_client.post(
        "/api/proposals", headers=accounts[OPDC_HEAD].headers,
        json=proposal.steps[0].step.model_dump(mode="json"))
    workflow_id = started.json()["workflow_id"]
    await recorded_draft(signed_register, workflow_id)
    endorse = proposal.steps[ENDORSE].step.model_dump(mode="json")
    assert (await signed_client.post(f"/api/proposals/{workflow_id}/steps/endorse", json=endorse,
                                     headers=accounts[DPM_HEAD].headers)).status_code == 200
    approve = proposal.steps[APPROVE].step.model_dump(mode="json")
    problem(await signed_client.post(f"/api/proposals/{workflow_id}/steps/approve", json=approve,
                                     headers=accounts[SOC_HEAD].headers), 403, "actor")
    problem(await signed_client.post("/api/holidays", headers=accounts[OPDC_HEAD].headers,
                                     json={"date": "2022-07-29", "name": "a day off",
                                           "source": approve["document"]}), 403, "actor")
    signed_register.catch_up()

    answer = (await signed_client.get("/api/refusals", params={"proposal": workflow_id},
                                      headers=accounts[SOC_HEAD].headers)).json()
    assert [(r["step"], r["actor"], r["username"]) for r in answer["refusals"]] == [
        ("approve", "SOC:head", "soc-head")]
    holidays = (await signed_client.get("/api/refusals", params={"proposal":
                                                                 "register:holidays"},
                                        headers=accounts[SOC_HEAD].headers)).json()
    assert [(r["actor"], r["username"]) for r in holidays["refusals"]] == [
        ("OPDC:head", "opdc-head")]
