"""The reference case from memo to circular through the HTTP API, by signed-in accounts.

Each agency that acts in the case (OPDC, the DPM, the PM, the Secretariat and
each opinion agency) has an account granted in the register and signs in with
its password; every step is posted with that account's token (no body names an
actor), on a real Temporal dev server and worker and the test's real store.
The register then holds each step under the account's actor, and the API's
answers about 10 Nov 2021 are the query layer's.
"""

from __future__ import annotations

from datetime import date

from domain.process.steps import Draft
from projections.queries import due, obligations, proposals
from tests.e2e.reference_case import proposal_events, step_name
from tests.support.memos import with_unique_memo
from tests.web.accounts import PASSWORD, credentials_of, grant_accounts, recorded_draft

AFTER = "2021-11-10"


async def test_the_case_runs_to_its_circular_through_the_api_by_signed_in_accounts(
        signed_client, signed_services, signed_register, case):
    system = signed_register
    proposal = with_unique_memo(case).proposals[0]
    actors = list(dict.fromkeys(taken.actor for taken in proposal.steps))
    assert {a.agency for a in actors} >= {"OPDC", "DPM", "PM", "SOC", "MOI", "NESDC", "PMDU"}
    accounts = grant_accounts(system, credentials_of(signed_services), actors,
                              password=PASSWORD)
    tokens = {}
    for actor, account in accounts.items():  # each signs in with its own password
        signed_in = await signed_client.post("/api/login", json={
            "username": account.username, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        assert (signed_in.json()["agency"], signed_in.json()["role"]) == (
            actor.agency, actor.role.value)
        tokens[actor] = {"Authorization": f"Bearer {signed_in.json()['token']}"}

    draft = proposal.steps[0]
    assert isinstance(draft.step, Draft)
    started = await signed_client.post(  # the proposer is the signed-in account's agency
        "/api/proposals", headers=tokens[draft.actor],
        json=draft.step.model_dump(mode="json", exclude={"proposer"}))
    assert started.status_code == 201, started.text
    workflow_id = started.json()["workflow_id"]
    await recorded_draft(system, workflow_id)
    for number, taken in enumerate(proposal.steps[1:], start=2):
        key = f"{taken.step.step}-case-{number}"
        answer = await signed_client.post(
            f"/api/proposals/{workflow_id}/steps/{taken.step.step}",
            json=taken.step.model_dump(mode="json"),
            headers={**tokens[taken.actor], "Idempotency-Key": key})
        assert answer.status_code == 200, (taken.step.step, answer.text)
        assert answer.json()["recorded"] is True

    outcome = await signed_services.desk.outcome(workflow_id)
    assert (outcome.outcome, outcome.meeting_date) == ("approved", date(2021, 11, 9))
    # Every staff step is in the register once, under the account that posted it.
    by_people = [(step_name(e), str(e.actor)) for e in proposal_events(system, workflow_id)
                 if e.actor.role.value != "system"]
    assert by_people == [(t.step.step, str(t.actor)) for t in proposal.steps]
    system.catch_up()
    assert proposals.refused(system, workflow_id).refusals == []

    reader = tokens[accounts_of_agency(accounts, "OPDC")]
    for path, params, local in (
            ("/api/obligations", {"at": AFTER, "agency": "OPDC"},
             obligations.in_force(system, date(2021, 11, 10), agency="OPDC")),
            ("/api/obligations", {"at": AFTER},
             obligations.in_force(system, date(2021, 11, 10))),
            ("/api/due", {"at": AFTER, "agency": "OPDC"},
             due.due(system, date(2021, 11, 10), agency="OPDC")),
            (f"/api/proposals/{workflow_id}", None, proposals.status(system, workflow_id))):
        answer = await signed_client.get(path, params=params, headers=reader)
        assert answer.status_code == 200, answer.text
        assert answer.json() == local.model_dump(mode="json"), path

    in_force = {(o["resolution"], o["clause"]) for o in (await signed_client.get(
        "/api/obligations", params={"at": AFTER}, headers=reader)).json()["obligations"]}
    assert ("2016-01-12", "2") not in in_force and ("2018-02-20", "1") not in in_force
    assert {("2021-11-09", "1"), ("2021-11-09", "4")} <= in_force
    before = (await signed_client.get("/api/obligations", headers=reader, params={
        "at": "2021-11-08", "agency": "OPDC"})).json()["obligations"]
    assert ("2018-02-20", "1") in {(o["resolution"], o["clause"]) for o in before}


def accounts_of_agency(accounts, agency: str):
    return next(actor for actor in accounts if actor.agency == agency)
