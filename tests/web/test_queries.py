"""Every question of the query layer through the API: the same answer, the same JSON.

Each route's answer is compared with the query layer's own answer to the same
question (what ``cabinet … --json`` prints), on the reference case.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.paperwork.thai_dates import parse_datetime
from projections.queries import directories, due, obligations, proposals, resolutions
from tests.web.conftest import bearer, log_length

READER = bearer("moi-staff")


def same(response, answer) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == answer.model_dump(mode="json")


async def test_obligations_on_a_day_for_an_agency(client, case_system):
    response = await client.get("/api/obligations", params={"at": "2021-11-10",
                                                             "agency": "OPDC"},
                                headers=READER)
    same(response, obligations.in_force(case_system, date(2021, 11, 10), agency="OPDC"))
    assert response.json()["obligations"], "the case binds OPDC on 10 Nov 2021"


async def test_dates_are_taken_as_staff_write_them(client, case_system):
    thai = await client.get("/api/obligations", params={"at": "๑๐ พฤศจิกายน ๒๕๖๔"},
                            headers=READER)
    iso = await client.get("/api/obligations", params={"at": "2021-11-10"}, headers=READER)
    assert thai.json() == iso.json()
    assert thai.json()["at"] == "2021-11-10"


async def test_obligations_as_recorded_and_in_pages(client, case_system):
    moment = "2021-11-01T00:00:00+07:00"
    response = await client.get("/api/obligations", params={
        "at": "2021-11-10", "as_recorded": moment}, headers=READER)
    same(response, obligations.in_force(case_system, date(2021, 11, 10),
                                        as_recorded=parse_datetime(moment)))
    first = await client.get("/api/obligations", params={"at": "2021-11-10", "limit": 2},
                             headers=READER)
    assert len(first.json()["obligations"]) == 2
    second = await client.get("/api/obligations", params={
        "at": "2021-11-10", "limit": 2, "after": first.json()["next"]}, headers=READER)
    same(second, obligations.in_force(case_system, date(2021, 11, 10), limit=2,
                                      after=first.json()["next"]))


@pytest.mark.parametrize(("path", "params", "ask"), [
    ("/api/due", {"at": "2021-12-15", "agency": "MOI"},
     lambda s: due.due(s, date(2021, 12, 15), agency="MOI")),
    ("/api/diff", {"from": "2021-06-01", "to": "2021-11-10"},
     lambda s: obligations.diff(s, date(2021, 6, 1), date(2021, 11, 10))),
    ("/api/resolutions", {}, lambda s: resolutions.listing(s)),
    ("/api/resolutions/2016-01-12", {"at": "2021-11-10"},
     lambda s: resolutions.show(s, date(2016, 1, 12), on=date(2021, 11, 10))),
    ("/api/resolutions/2016-01-12/history", {},
     lambda s: resolutions.history(s, date(2016, 1, 12))),
    ("/api/holidays", {}, lambda s: directories.declared_holidays(s)),
    ("/api/holidays", {"year": 2021}, lambda s: directories.declared_holidays(s, year=2021)),
    ("/api/holidays/history", {}, lambda s: directories.holiday_history(s)),
    ("/api/agencies", {}, lambda s: directories.agencies(s)),
    ("/api/agencies/history", {}, lambda s: directories.agency_history(s)),
    ("/api/proposals", {"at": "2021-11-10", "include_closed": "true"},
     lambda s: proposals.board(s, date(2021, 11, 10), include_closed=True)),
    ("/api/refusals", {}, lambda s: proposals.refused(s)),
])
async def test_each_question_answers_as_the_query_layer(client, case_system, path, params, ask):
    same(await client.get(path, params=params, headers=READER), ask(case_system))


async def test_a_proposal_by_its_workflow_id(client, case_system):
    board = proposals.board(case_system, date(2021, 11, 10), include_closed=True)
    workflow_id = board.proposals[0].workflow_id
    same(await client.get(f"/api/proposals/{workflow_id}", headers=READER),
         proposals.status(case_system, workflow_id))


async def test_audits_are_for_auditors(client, case_system):
    verified = await client.get("/api/audit/verify", headers=bearer("auditor"))
    assert verified.status_code == 200 and verified.json()["ok"] is True
    replayed = await client.get("/api/audit/replay", headers=bearer("auditor"))
    assert replayed.status_code == 200 and replayed.json()["ok"] is True
    before = log_length(case_system)
    refused = await client.get("/api/audit/verify", headers=bearer("soc-staff"))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "actor"
    # The refusal is kept on the server, with who tried and why.
    assert log_length(case_system) > before
    kept = proposals.refused(case_system, "register:audit").refusals
    assert [(r.step, r.actor) for r in kept] == [("audit", "SOC:staff")]


async def test_who_could_take_a_verb_on_a_day(client, case_system):
    grants = pytest.importorskip("projections.queries.grants")
    response = await client.get("/api/grants", params={"at": "9 พ.ย. 64", "verb": "approve"},
                                headers=bearer("auditor"))
    same(response, grants.who_could(case_system, "approve", date(2021, 11, 9)))
    unknown = await client.get("/api/grants", params={"verb": "bless"},
                               headers=bearer("auditor"))
    assert (unknown.status_code, unknown.json()["field"]) == (422, "verb")
