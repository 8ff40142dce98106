"""The whole reference case through the workflow, every step as the right actor.

The proposal is driven step by step through Updates on a real Temporal
server; the register, fed only by the workflow's activities, then answers
CASE.md's questions.
"""

from __future__ import annotations

from datetime import date

from domain.process.steps import Draft
from projections import obligations
from tests.conftest import Clock  # noqa: F401  (fixtures use it)


async def drive(desk, proposal) -> str:
    workflow_id = ""
    for taken in proposal.steps:
        if isinstance(taken.step, Draft):
            workflow_id = await desk.start(taken.step, taken.actor)
        else:
            await desk.act(workflow_id, taken.step, taken.actor)
    return workflow_id


async def test_the_reference_case_runs_from_memo_to_notice(desk, system, history):
    workflow_id = await drive(desk, history.proposals[0])
    outcome = await desk.outcome(workflow_id)
    assert outcome.outcome == "approved"
    assert outcome.meeting_date == date(2021, 11, 9)
    system.catch_up()
    with system.reading() as cursor:
        before = {(r["resolution"], r["clause"])
                  for r in obligations.in_force(cursor, date(2021, 11, 8))}
        after = {(r["resolution"], r["clause"])
                 for r in obligations.in_force(cursor, date(2021, 11, 10))}
    assert ("2016-01-12", "2") in before and ("2016-01-12", "2") not in after
    assert ("2018-02-20", "1") in before and ("2018-02-20", "1") not in after
    assert {("2021-11-09", "1"), ("2021-11-09", "4"), ("2021-05-18", "1"),
            ("2021-05-18", "2")} <= after


async def test_the_status_query_tells_stage_next_actor_and_history(desk, history):
    proposal = history.proposals[0]
    workflow_id = await desk.start(proposal.steps[0].step, proposal.steps[0].actor)
    for taken in proposal.steps[1:5]:  # endorse, approve, submit, request opinions
        await desk.act(workflow_id, taken.step, taken.actor)
    status = await desk.status(workflow_id)
    assert status.stage == "consulting"
    assert "MOI: opinion" in status.next_to_act
    assert {o.agency for o in status.opinions} == {"MOI", "NESDC", "PMDU"}
    assert [h.step for h in status.history][:5] == [
        "draft", "endorse", "approve", "submit", "request_opinions"]
