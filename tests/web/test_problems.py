"""Every refusal is a problem+json naming the field, and leaves the store as it was.

401 for no or bad credential (the same words whatever was wrong), 403 for a
forbidden action (kept in a refusal log on the server), 404 for something
unknown, 409 for a wrong stage or a conflict, 422 for malformed input, 503
when the workflow engine does not answer. Never a traceback.
"""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from projections.queries import proposals
from tests.web.conftest import bearer, case_token, log_length, make_app
from tests.web.test_steps import events, started, step, step_json
from tests.workflows.driving import ENDORSE, SUBMIT, trace
from workers.temporal import free_port

PROBLEM = "application/problem+json"
HOLIDAY = {"date": "2022-07-29", "name": "special holiday",
           "source": {"kind": "circular", "number": "นร 0505/ว 123", "date": "2022-07-01",
                      "issuer": "SOC"}}


def problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "field"}
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in response.text
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize("headers", [{}, bearer("forged"), {"Authorization": "Basic eDp5"}])
async def test_no_or_bad_credential_is_401_in_the_same_words(client, headers):
    body = problem(await client.get("/api/agencies", headers=headers), 401)
    assert body["detail"] == "sign-in required"


async def test_malformed_query_parameters_name_the_parameter(client, case_system):
    problem(await client.get("/api/obligations", headers=bearer("moi-staff")), 422, "at")
    problem(await client.get("/api/obligations", params={"at": "2563-07-14"},
                             headers=bearer("moi-staff")), 422, "at")
    problem(await client.get("/api/obligations", params={"at": "2021-11-10", "limit": "x"},
                             headers=bearer("moi-staff")), 422, "limit")
    problem(await client.get("/api/obligations", params={"at": "2021-11-10", "after": "zz"},
                             headers=bearer("moi-staff")), 422, "after")
    problem(await client.get("/api/due", params={"at": "2021-11-10", "agency": "NOPE"},
                             headers=bearer("moi-staff")), 422, "agency")
    problem(await client.get("/api/diff", params={"from": "2021-11-10", "to": "2021-01-01"},
                             headers=bearer("moi-staff")), 422, "to")


async def test_unknown_things_are_404(client):
    problem(await client.get("/api/resolutions/1999-01-05", headers=bearer("moi-staff")),
            404, "resolution")
    problem(await client.get("/api/proposals/OPDC-0000-1", headers=bearer("moi-staff")),
            404, "proposal")
    problem(await client.get("/api/nowhere", headers=bearer("moi-staff")), 404)


async def test_a_holiday_declared_by_another_agency_is_403_and_kept(client, case_system):
    before = log_length(case_system)
    body = problem(await client.post("/api/holidays", json=HOLIDAY,
                                     headers=bearer("moi-staff")), 403, "actor")
    assert "SOC" in body["detail"]
    (kept,) = proposals.refused(case_system, "register:holidays").refusals
    assert (kept.step, kept.actor, kept.reason) == ("declare_holiday", "MOI:staff",
                                                    body["detail"])
    # The refusal log is all that changed: no holiday.
    holidays = await client.get("/api/holidays", headers=bearer("moi-staff"))
    assert holidays.json()["holidays"] == []
    assert log_length(case_system) - before in (1, 2)  # the log opened, the attempt kept


async def test_register_verbs_as_the_secretariat(client, case_system):
    declared = await client.post("/api/holidays", json=HOLIDAY, headers=bearer("soc-staff"))
    assert declared.status_code == 201, declared.text
    history = (await client.get("/api/holidays/history", headers=bearer("moi-staff"))).json()
    assert history["events"][-1]["actor"] == "SOC:staff"

    before = log_length(case_system)
    again = await client.post("/api/holidays", json=HOLIDAY, headers=bearer("soc-staff"))
    assert again.status_code in (200, 201, 409)
    bad_move = await client.post("/api/holidays/2022-07-30/move", headers=bearer("soc-staff"),
                                 json={"to": "2022-08-05", "reason": "wrong Friday",
                                       "source": HOLIDAY["source"]})
    problem(bad_move, 404)
    problem(await client.post("/api/holidays/30-07-2022/revoke", headers=bearer("soc-staff"),
                              json={"reason": "x", "source": HOLIDAY["source"]}), 422, "day")
    problem(await client.post("/api/holidays", headers=bearer("soc-staff"),
                              json={**HOLIDAY, "date": "2022-02-30"}), 422, "date")
    problem(await client.post("/api/agencies", headers=bearer("soc-staff"),
                              json={"code": "MOJ", "name_th": "ยุติธรรม", "name_en": "Justice",
                                    "actor": "SOC:head"}), 422, "actor")
    assert log_length(case_system) == before or again.status_code != 409

    moved = await client.post("/api/holidays/2022-07-29/move", headers=bearer("soc-head"),
                              json={"to": "2022-08-05", "reason": "the wrong Friday",
                                    "source": HOLIDAY["source"]})
    assert moved.json() == {"date": "2022-07-29", "to": "2022-08-05", "name": None,
                            "code": None}
    added = await client.post("/api/agencies", headers=bearer("soc-staff"),
                              json={"code": "MOJ", "name_th": "กระทรวงยุติธรรม",
                                    "name_en": "Ministry of Justice"})
    assert added.status_code == 201
    renamed = await client.post("/api/agencies/MOJ/rename", headers=bearer("soc-staff"),
                                json={"name_th": "กระทรวงยุติธรรม",
                                      "name_en": "Ministry of Justice (Thailand)",
                                      "reason": "a slip", "source": HOLIDAY["source"]})
    assert renamed.status_code == 200, renamed.text
    agencies = (await client.get("/api/agencies", headers=bearer("moi-staff"))).json()
    assert "MOJ" in agencies["agencies"]


async def test_a_wrong_stage_is_409_and_the_workflow_unchanged(stepping, system, history):
    proposal = history.proposals[0]
    workflow_id = await started(stepping, proposal)
    desk = stepping._transport.app.state.services.desk
    before = await trace(desk, system, workflow_id)

    submit = proposal.steps[SUBMIT]
    body = problem(await step(stepping, workflow_id, submit), 409, "stage")
    assert "drafted" in body["detail"]
    after = await trace(desk, system, workflow_id)
    # Neither the proposal's record nor the workflow's accepted updates changed.
    assert (after.version, after.updates, after.status) == (before.version, before.updates,
                                                            before.status)


async def test_a_malformed_step_names_the_field(stepping, system, history):
    proposal = history.proposals[0]
    workflow_id = await started(stepping, proposal)
    endorse = proposal.steps[ENDORSE]
    payload = step_json(endorse)
    payload["document"] = {**payload["document"], "date": "31/02/2564"}
    before = len(events(system, workflow_id))

    response = await stepping.post(f"/api/proposals/{workflow_id}/steps/endorse",
                                   json=payload, headers=bearer(case_token(endorse.actor)))

    problem(response, 422, "document.date")
    problem(await stepping.post(f"/api/proposals/{workflow_id}/steps/endorse", content=b"{",
                                headers={**bearer(case_token(endorse.actor)),
                                         "content-type": "application/json"}), 422)
    problem(await step(stepping, "OPDC-0000-404", endorse), 404, "proposal")
    assert len(events(system, workflow_id)) == before


async def test_an_unreachable_workflow_engine_is_503(system, history):
    settings = dataclasses.replace(system.settings,
                                   temporal_address=f"127.0.0.1:{free_port()}",
                                   temporal_connect_timeout=1.0)
    app = make_app(system)
    app.state.services.settings = settings
    draft = history.proposals[0].steps[0]
    before = log_length(system)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        response = await client.post("/api/proposals", json=step_json(draft),
                                     headers=bearer(case_token(draft.actor)))
    body = problem(response, 503)
    assert "Temporal" in body["detail"]
    assert log_length(system) == before
