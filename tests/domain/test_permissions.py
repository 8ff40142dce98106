"""Who may take each proposal step: every step × every party × every role, against the table.

Each step is tried in a scene where it is allowed (tests/support/proposal_scenes),
by the agency of every party a proposal has (its proposer, its supervising
Deputy PM, the PM, the Secretariat, the agency the step names, an outsider)
in every role. The real rules decide; ``domain.permissions.PERMITS`` says
what they must decide. No store and no engine: it runs in milliseconds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from domain.errors import NotPermitted
from domain.permissions import FIXED_AGENCY, PERMITS, Actor, Party, Role, check
from domain.process import rules as process
from domain.process.steps import STAFF_STEPS, STEP_TYPES, Draft
from domain.register.records import ImportFile
from tests.support.proposal_scenes import Scene, scenes

CASE_FILE = Path(__file__).resolve().parents[2] / "examples" / "emenscr-2021.yaml"
SCENES = scenes(ImportFile.model_validate(yaml.safe_load(CASE_FILE.read_text())))
PARTIES = ("proposer", "supervisor", "PM", "SOC", "named agency", "outsider")


def agency_of(party: str, scene: Scene) -> str:
    named = getattr(scene.step, "agency", "NESDC")
    return {"proposer": scene.state.proposer, "supervisor": scene.state.supervisor,
            "named agency": named, "outsider": "OAG"}.get(party, party)


def table_allows(step: str, actor: Actor, scene: Scene) -> bool:
    """The table read by hand: the permit's agency for this proposal, in one of its roles."""
    permit = PERMITS[step]
    agency = FIXED_AGENCY.get(permit.party) or {
        Party.PROPOSER: scene.state.proposer, Party.SUPERVISOR: scene.state.supervisor,
        Party.NAMED_AGENCY: getattr(scene.step, "agency", None),
        Party.TAKER: scene.step.taken_by(scene.state) if permit.party is Party.TAKER
        else None}[permit.party]
    return actor.agency == agency and actor.role in permit.roles


def take(scene: Scene, actor: Actor) -> None:
    if isinstance(scene.step, Draft):
        process.check_draft(scene.step, actor)
    else:
        process.check(scene.state, scene.step, actor)


@pytest.mark.parametrize(("step", "party", "role"),
                         list(itertools.product(STEP_TYPES, PARTIES, Role)))
def test_the_rules_allow_exactly_what_the_table_says(step, party, role):
    scene = SCENES[step]
    actor = Actor(agency=agency_of(party, scene), role=role)

    if table_allows(step, actor, scene):
        take(scene, actor)
    else:
        with pytest.raises(NotPermitted) as refused:
            take(scene, actor)
        assert refused.value.field == "actor"


def test_every_step_has_a_row_in_the_table_and_a_scene():
    assert set(STEP_TYPES) <= set(PERMITS)
    assert set(SCENES) == set(STEP_TYPES)


def test_people_sign_and_work_the_desk_the_engine_keeps_the_timers():
    signers = {name for name in STEP_TYPES if PERMITS[name].roles == {Role.HEAD}}
    engine = {name for name in STEP_TYPES if PERMITS[name].roles == {Role.SYSTEM}}
    assert signers == {"draft", "endorse", "approve", "submit", "amend", "withdraw"}
    assert engine == {"remind", "escalate", "reschedule"}
    assert set(STAFF_STEPS) == set(STEP_TYPES) - engine - {"draft"}
    assert all(PERMITS[name].roles == {Role.STAFF, Role.HEAD}
               for name in set(STAFF_STEPS) - signers)


@pytest.mark.parametrize(("step", "actor", "reason"), [
    ("opinion", "PMDU:staff", "only MOI may give MOI's opinion; PMDU:staff may not"),
    ("decide", "OPDC:head", "only SOC may record the cabinet's decision; OPDC:head may not"),
    ("approve", "DPM:head", "only PM may approve submission to the cabinet"),
    ("endorse", "DPM:staff", "to endorse for the supervising Deputy PM is for the role head"),
    ("schedule", "SOC:auditor", "auditors only read the register"),
    ("remind", "SOC:staff", "to record a reminder is for the role system"),
    ("schedule", "SOC:system", "to place the proposal on the agenda is a person's action"),
])
def test_a_refusal_says_who_may(step, actor, reason):
    scene = SCENES[step]

    with pytest.raises(NotPermitted, match=reason):
        take(scene, Actor.parse(actor))


def test_check_needs_the_agency_a_relational_party_stands_for():
    with pytest.raises(ValueError, match="the proposer must be given"):
        check("withdraw", Actor.parse("OPDC:head"))


def test_the_secretariat_runs_the_register_desk_and_operators_the_machine():
    check("declare_holiday", Actor.parse("SOC:staff"))
    check("import", Actor.parse("SOC:operator"))
    for verb, actor in (("declare_holiday", "MOI:head"), ("register_agency", "SOC:auditor"),
                        ("import", "SOC:head"), ("import", "MOI:operator")):
        with pytest.raises(NotPermitted):
            check(verb, Actor.parse(actor))
