"""Role grants are events in the register, answered by day: who could act, and who holds what.

The Prime Minister's head of office is granted PM:head from January 2021 and
loses it on 1 December 2021; so on 9 November 2021 that account could approve
a submission, and after the revocation nobody can.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidInput, NotPermitted
from domain.ids import account_id
from domain.permissions import Actor, Role
from domain.register.grants import AccountGrants, GrantNotHeld
from projections.queries import grants
from projections.rebuild import MODELS
from tests.auth.conftest import OPERATOR, grant, revocation
from workers.bootstrap import RegisterSystem

NOV_9 = date(2021, 11, 9)


@pytest.fixture
def granted(auth_system: RegisterSystem) -> RegisterSystem:
    register = auth_system.register
    register.grant_role(grant("prayut", "PM", Role.HEAD, date(2021, 1, 4), 1), OPERATOR)
    register.grant_role(grant("somchai", "OPDC", Role.HEAD, date(2021, 1, 4), 2), OPERATOR)
    register.grant_role(grant("malee", "SOC", Role.STAFF, date(2021, 1, 4), 3), OPERATOR)
    register.grant_role(grant("wissanu", "DPM", Role.HEAD, date(2021, 1, 4), 4), OPERATOR)
    register.revoke_role(revocation("prayut", date(2021, 12, 1), 5), OPERATOR)
    return auth_system


def test_the_grant_is_an_event_naming_who_granted_it_and_on_which_document(
        granted: RegisterSystem) -> None:
    events = list(granted.register.history(account_id("prayut")))
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Opened", "RoleGranted", "RoleRevoked"]
    granted_event = events[1]
    assert isinstance(granted_event, AccountGrants.RoleGranted)
    assert granted_event.actor == OPERATOR
    assert granted_event.source.number == "นร 0101/1"
    assert granted_event.effective_from == date(2021, 1, 4)


def test_who_could_approve_on_9_november_2021_and_after_the_revocation(
        granted: RegisterSystem) -> None:
    before = grants.who_could(granted, "approve", NOV_9)
    assert [a.username for a in before.accounts] == ["prayut"]
    assert before.accounts[0].grant.source == "นร 0101/1"
    assert before.party == "the Prime Minister (PM)"
    after = grants.who_could(granted, "approve", date(2021, 12, 1))
    assert after.accounts == []


def test_a_relational_party_lists_each_agency_head_with_its_condition(
        granted: RegisterSystem) -> None:
    answer = grants.who_could(granted, "endorse", NOV_9)
    by_name = {a.username: a.when for a in answer.accounts}
    # Any head could endorse, for the proposals their agency supervises; staff could not.
    assert set(by_name) == {"prayut", "somchai", "wissanu"}
    assert by_name["wissanu"] == "when DPM is the supervising Deputy PM"
    desk = grants.who_could(granted, "request_opinions", NOV_9)
    assert [(a.username, a.when) for a in desk.accounts] == [("malee", None)]


def test_which_grant_an_account_holds_on_a_day(granted: RegisterSystem) -> None:
    held = grants.held_grant(granted, "PRAYUT", NOV_9)
    assert held is not None and (held.agency, held.role) == ("PM", "head")
    assert grants.held_grant(granted, "prayut", date(2022, 1, 1)) is None
    assert grants.held_grant(granted, "nobody", NOV_9) is None
    assert grants.held_grant(granted, "not a name!", NOV_9) is None


def test_a_new_grant_replaces_the_current_one_from_its_day(granted: RegisterSystem) -> None:
    granted.register.grant_role(grant("malee", "SOC", Role.HEAD, date(2021, 6, 1), 6), OPERATOR)
    assert grants.held_grant(granted, "malee", date(2021, 5, 31)).role == "staff"  # type: ignore[union-attr]
    assert grants.held_grant(granted, "malee", date(2021, 6, 1)).role == "head"  # type: ignore[union-attr]
    history = grants.grants_on(granted, None, "malee").grants
    assert [(g.role, g.effective_from, g.effective_until) for g in history] == [
        ("staff", "2021-01-04", "2021-06-01"), ("head", "2021-06-01", None)]


def test_only_the_secretariats_operator_or_head_grants_and_nothing_is_stored_otherwise(
        granted: RegisterSystem) -> None:
    before = granted.register.recorder.max_notification_id()
    for who in ("SOC:staff", "OPDC:operator", "SOC:auditor", "PM:head"):
        with pytest.raises(NotPermitted) as refused:
            granted.register.grant_role(grant("malee", "SOC", Role.HEAD, NOV_9, 7),
                                        Actor.parse(who))
        assert refused.value.field == "actor"
    granted.register.grant_role(grant("anan", "MOI", Role.STAFF, NOV_9, 8),
                                Actor.parse("SOC:head"))
    assert granted.register.recorder.max_notification_id() == (before or 0) + 3


def test_bad_grants_are_refused_naming_the_field(granted: RegisterSystem) -> None:
    with pytest.raises(InvalidInput) as unknown:
        granted.register.grant_role(grant("anan", "XYZ", Role.STAFF, NOV_9, 9), OPERATOR)
    assert unknown.value.field == "agency"
    with pytest.raises(InvalidInput) as engine:
        granted.register.grant_role(grant("anan", "SOC", Role.SYSTEM, NOV_9, 10), OPERATOR)
    assert engine.value.field == "role"
    with pytest.raises(GrantNotHeld) as nothing:
        granted.register.revoke_role(revocation("nobody", NOV_9, 11), OPERATOR)
    assert nothing.value.field == "username"
    with pytest.raises(InvalidInput) as verb:
        grants.who_could(granted, "fly", NOV_9)
    assert verb.value.field == "verb"


def test_rebuild_and_audit_replay_cover_the_grants(granted: RegisterSystem) -> None:
    before = grants.grants_on(granted).grants
    report = granted.rebuild([MODELS["grants"]])
    assert report.models == ["grants"] and report.events >= 5
    assert grants.grants_on(granted).grants == before
    replay = granted.replay()
    assert replay.ok and replay.rows["reg_grants"] == 4
