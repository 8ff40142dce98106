"""The query layer on the reference case: pages, proposals from the register, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidInput, ProposalNotFound
from projections.queries import obligations, proposals, resolutions
from workers.bootstrap import open_register

ON_10_NOV_2021 = date(2021, 11, 10)


def test_pages_of_obligations_add_up_to_the_whole_answer_in_its_order(case_system):
    whole = obligations.in_force(case_system, ON_10_NOV_2021)
    assert len(whole.obligations) > 2
    assert whole.next is None
    pages, after = [], None
    while True:
        answer = obligations.in_force(case_system, ON_10_NOV_2021, limit=2, after=after)
        pages.append(answer.obligations)
        after = answer.next
        if after is None:
            break
    assert [row for page in pages for row in page] == whole.obligations
    assert all(1 <= len(page) <= 2 for page in pages)


def test_the_last_page_carries_no_cursor_and_the_json_leaves_it_out(case_system):
    whole = obligations.in_force(case_system, ON_10_NOV_2021)
    answer = obligations.in_force(case_system, ON_10_NOV_2021, limit=len(whole.obligations))
    assert answer.next is None
    assert "next" not in answer.as_json()


def test_a_cursor_that_no_answer_gave_is_refused_naming_the_field(case_system):
    with pytest.raises(InvalidInput) as refused:
        obligations.in_force(case_system, ON_10_NOV_2021, limit=2, after="not-a-cursor")
    assert refused.value.field == "after"
    with pytest.raises(InvalidInput) as refused:
        obligations.in_force(case_system, ON_10_NOV_2021, limit=0)
    assert refused.value.field == "limit"


def test_pages_of_resolutions_add_up_to_the_list(case_system):
    whole = resolutions.listing(case_system).resolutions
    assert len(whole) > 2
    first = resolutions.listing(case_system, limit=2)
    rest = resolutions.listing(case_system, after=first.next)
    assert first.next is not None
    assert first.resolutions + rest.resolutions == whole
    assert rest.next is None
    with pytest.raises(InvalidInput) as refused:
        resolutions.listing(case_system, after=first.next[:-2])
    assert refused.value.field == "after"


def test_an_imported_proposal_has_its_status_without_a_workflow(case_system, case):
    status = proposals.status(case_system, case.proposals[0].workflow_id)
    assert status.stage == "closed"
    assert status.outcome == "approved"
    assert [h.step for h in status.history] == [s.step.step for s in case.proposals[0].steps]
    assert {o.agency: o.due for o in status.opinions}["MOI"] == "2021-10-22"
    assert status.history[0].note == case.proposals[0].steps[0].step.title


def test_an_unknown_proposal_is_refused_naming_it(case_system):
    with pytest.raises(ProposalNotFound) as refused:
        proposals.status(case_system, "NOPE-1-1")
    assert refused.value.field == "proposal"


def test_refused_attempts_are_listed_for_auditors(case_system, case):
    workflow_id = case.proposals[0].workflow_id
    case_system.register.refuse_attempt(
        workflow_id, attempt_id="a-1", step="decide", actor="MOI:head",
        reason="only the Secretariat records the decision", field="actor", payload="{}")
    mine = proposals.refused(case_system, workflow_id)
    assert [(r.proposal, r.step, r.actor, r.field) for r in mine.refusals] == [
        (workflow_id, "decide", "MOI:head", "actor")]
    assert proposals.refused(case_system, "OTHER-1-1").refusals == []
    assert proposals.refused(case_system).refusals == mine.refusals


def test_an_answer_includes_what_another_process_recorded_just_before(case_system, case,
                                                                       settings):
    other = open_register(settings)
    try:
        before = proposals.refused(case_system).refusals
        other.register.refuse_attempt(case.proposals[0].workflow_id, attempt_id="a-2",
                                      step="opinion", actor="PM:head", reason="not asked",
                                      field=None, payload="{}")
        assert len(proposals.refused(case_system).refusals) == len(before) + 1
    finally:
        other.close()
