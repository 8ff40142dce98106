"""Agencies' opinions on a proposal, and a revised opinion superseding the first."""

from __future__ import annotations

from domain.process.rules import SlotStatus
from domain.process.steps import Stance


def test_three_agencies_were_asked_and_all_three_answered(case_system, case):
    state = case_system.register.proposal(case.proposals[0].workflow_id).state
    assert {s.agency: s.status for s in state.slots} == {
        "MOI": SlotStatus.RECEIVED, "NESDC": SlotStatus.RECEIVED, "PMDU": SlotStatus.RECEIVED}


def test_nesdcs_revised_opinion_supersedes_its_first(case_system, case):
    nesdc = case_system.register.proposal(case.proposals[0].workflow_id).state.slot("NESDC")
    first, revised = nesdc.opinions
    assert revised.supersedes == first.letter.number == "นร ๑๑๑๒/๖๐๙๐"
    assert revised.letter.number == "นร ๑๑๑๒/๖๔๕๐"
    assert revised.stance is Stance.CONCUR_WITH_REMARKS


def test_each_opinion_is_an_event_naming_its_letter_and_agency(case_system, case):
    from domain.ids import proposal_id

    events = list(case_system.register.history(proposal_id(case.proposals[0].workflow_id)))
    opinions = [e for e in events if type(e).__name__ == "OpinionGiven"]
    assert [(e.step.agency, e.actor.agency) for e in opinions] == [
        ("MOI", "MOI"), ("NESDC", "NESDC"), ("PMDU", "PMDU"), ("NESDC", "NESDC")]
    assert all(e.step.letter.number for e in opinions)


def test_the_board_shows_the_current_opinion_letter(case_system):
    from datetime import date

    from projections.queries import proposals

    rows = proposals.board(case_system, date(2021, 11, 20), include_closed=True).proposals
    nesdc = next(o for o in rows[0].opinions if o.agency == "NESDC")
    assert nesdc.letter == "นร ๑๑๑๒/๖๔๕๐"
    assert rows[0].stage == "closed"
