"""Every route of the app, as every role of several agencies and as nobody, against the table.

The routes are read from the app itself (a new route is tried automatically,
and this test fails until it is placed below); what each principal may do is
asked of ``domain.permissions.may`` with the proposal's parties as the
workflow's validator finds them (``ProcessStep.party_agency``), never from a
table of outcomes written here. "Allowed" means neither 401 nor 403: a step
taken at the wrong stage (409) or with a document dated in the future (422)
was allowed past the permission check. Each 403 must leave the store as it
was but for the refusal, which names the signed-in account.
"""

from __future__ import annotations

from typing import Any

from domain.permissions import PERMITS, Actor, Role, may
from domain.process.proposal import RefusalLog
from domain.process.steps import STAFF_STEPS, CorrectDocument
from tests.support.memos import with_unique_memo
from tests.support.proposal_scenes import scenes
from tests.web.accounts import (
    PASSWORD,
    credentials_of,
    events_since,
    grant_accounts,
    log_length,
    recorded_draft,
)
from tests.web.test_problems import HOLIDAY
from tests.workflows.driving import trace
from web.api.deps import auditor, reader
from web.authentication import current_principal

AGENCIES = ("SOC", "PM", "DPM", "OPDC", "NESDC", "MOI", "OPM")
"""The Secretariat, the PM, the supervising DPM, the proposer, two opinion agencies, and
one agency the case does not involve."""
ROLES = (Role.STAFF, Role.HEAD, Role.AUDITOR, Role.OPERATOR)
PEOPLE = tuple(Actor(agency=a, role=r) for a in AGENCIES for r in ROLES)

PUBLIC = frozenset({"openapi", "swagger_ui_html", "swagger_ui_redirect", "api_login",
                    "form_login", "form_logout"})
"""Routes that need no credential: the documents, and signing in and out of the desk."""
SIGNED_IN = frozenset({"api_me", "api_logout"})
"""Routes for any signed-in account, whatever its role: who am I, sign me out."""
VERB_OF_ENDPOINT = {"start": "draft", "upload": "attach_document"}
"""Endpoints not named after the verb of the permission table that governs them."""

FUTURE = "2099-01-05"
DAY = HOLIDAY["date"]
SOURCE = HOLIDAY["source"]
PATH_VALUES = {"day": DAY, "code": "MOI", "resolution": "2016-01-12"}
QUERIES = {"/api/obligations": {"at": "2021-11-10"}, "/api/due": {"at": "2021-11-10"},
           "/api/diff": {"from": "2021-11-08", "to": "2021-11-10"}}
DIRECTORY_BODIES = {
    "declare_holiday": HOLIDAY,
    "move_holiday": {"to": "2022-08-01", "source": SOURCE, "reason": "moved by order"},
    "revoke_holiday": {"source": SOURCE, "reason": "revoked by order"},
    "register_agency": {"code": "NEWAG", "name_th": "หน่วยงานใหม่", "name_en": "New agency"},
    "rename_agency": {"name_th": "กระทรวงมหาดไทย", "name_en": "Ministry of Interior",
                      "source": SOURCE, "reason": "the names corrected"},
}


def every_route(app) -> list[tuple[str, str, Any]]:
    """(method, path, route) for every route of the API, included routers' too.

    The desk's pages (HTML under ``/``, and the static files) answer a stranger with
    the sign-in page, not 401, and show each person only what they may do:
    tests/desk tries them as each person in a real browser, forged posts included.
    """
    found = []
    for route in app.routes:
        contexts = (route.effective_route_contexts()
                    if hasattr(route, "effective_route_contexts") else [route])
        for context in contexts:
            if not context.path.startswith("/api/") or not hasattr(context, "methods"):
                continue
            for method in sorted(set(context.methods) - {"HEAD"}):
                found.append((method, context.path, context))
    return found


def calls_of(dependant) -> set:
    if dependant is None:
        return set()
    return {dependant.call} | {c for d in dependant.dependencies for c in calls_of(d)}


def governing(route) -> str:
    """What decides who may use the route: "public", "signed-in", or a verb of PERMITS."""
    name = route.endpoint.__name__
    calls = calls_of(getattr(route, "dependant", None))
    if name in PUBLIC:
        return "public"
    assert current_principal in calls, f"{route.path} asks nobody who is calling"
    if name in SIGNED_IN:
        return "signed-in"
    if reader in calls:
        return "read"
    if auditor in calls:
        return "audit"
    verb = VERB_OF_ENDPOINT.get(name, name.removeprefix("take_"))
    assert verb in PERMITS, f"{route.path} ({name}): no expectation; place it in this test"
    return verb


def future_dated(value: Any) -> Any:
    """The body with every document dated in the future: an allowed step is refused by its
    dates, after the permission check, so nothing the matrix sends moves the proposal."""
    if isinstance(value, dict):
        if {"kind", "number", "date"} <= set(value):
            return {**value, "date": FUTURE}
        return {k: future_dated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [future_dated(v) for v in value]
    return value


def step_bodies(case) -> dict[str, Any]:
    """A valid body for every staff step (the case's, or the scenes' for steps it never
    takes); a correction corrects the draft's memo, which the proposal has on record."""
    found = {name: scene.step for name, scene in scenes(case).items() if name in STAFF_STEPS}
    memo = case.proposals[0].steps[0].step.memo
    found["correct_document"] = CorrectDocument(
        step_version=1, corrected=memo.model_copy(update={"number": "นร 1220/1"}),
        reason="a typing slip")
    assert set(found) == set(STAFF_STEPS)
    return found


async def test_every_route_as_every_role_of_every_agency_agrees_with_the_table(
        signed_client, signed_services, signed_register, case):
    system = signed_register
    accounts = grant_accounts(system, credentials_of(signed_services), PEOPLE,
                              password=PASSWORD)
    own_case = with_unique_memo(case)
    draft = own_case.proposals[0].steps[0].step
    proposer = accounts[Actor(agency="OPDC", role=Role.HEAD)]
    started = await signed_client.post("/api/proposals", headers=proposer.headers,
                                       json=draft.model_dump(mode="json", exclude={"proposer"}))
    assert started.status_code == 201, started.text
    workflow_id = started.json()["workflow_id"]
    await recorded_draft(system, workflow_id)
    bodies = step_bodies(own_case)
    app = signed_client._transport.app
    routes = every_route(app)

    documented = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert documented <= {(m, p) for m, p, _ in routes}
    assert len(routes) >= len(STAFF_STEPS) + 20

    tried = refused = 0
    for method, path, route in routes:
        rule = governing(route)
        name = route.endpoint.__name__
        url = path.format(workflow_id=workflow_id, **PATH_VALUES)
        party = None
        body: Any = None
        if rule in STAFF_STEPS:
            step = bodies[rule]
            party = step.party_agency(system.register.proposal(workflow_id).state)
            body = future_dated(step.model_dump(mode="json"))
        elif rule == "draft":
            body = future_dated(draft.model_dump(mode="json", exclude={"proposer"}))
        elif rule in DIRECTORY_BODIES:
            body = DIRECTORY_BODIES[rule]
        elif name == "api_login":
            body = {}
        for actor in (*PEOPLE, None):
            account = accounts[actor] if actor is not None else None
            headers = account.headers if account else {}
            if name == "api_logout" and account is not None:  # sign out a token of its own
                own = credentials_of(signed_services).issue(account.username, "api")
                headers = {"Authorization": f"Bearer {own.token}"}
            sent = body
            if name == "api_login" and account is not None:
                sent = {"username": account.username, "password": PASSWORD}
            if rule == "draft" and actor is not None:
                party = actor.agency  # the proposer is the signed-in account's agency
            before = log_length(system)
            answer = await signed_client.request(method, url, headers=headers, json=sent,
                                                 params=QUERIES.get(path))
            tried += 1
            where = f"{method} {path} as {actor or 'nobody'}"
            if rule == "public":
                assert answer.status_code not in (401, 403), (where, answer.text)
                continue
            if actor is None:
                assert answer.status_code == 401, (where, answer.text)
                assert log_length(system) == before, where
                continue
            allowed = rule == "signed-in" or may(rule, actor, party_agency=party)
            if allowed:
                assert answer.status_code not in (401, 403), (where, answer.text)
                continue
            assert answer.status_code == 403, (where, answer.text)
            assert answer.headers["content-type"] == "application/problem+json", where
            refused += 1
            kept = events_since(system, before)
            assert kept and all(type(e).__qualname__.startswith("RefusalLog.")
                                for e in kept), (where, kept)
            (attempt,) = [e for e in kept if isinstance(e, RefusalLog.AttemptRefused)]
            assert (attempt.username, attempt.actor) == (account.username, str(actor)), where
            assert attempt.reason == answer.json()["detail"], where

    assert tried == len(routes) * (len(PEOPLE) + 1)
    assert refused > len(STAFF_STEPS) * len(PEOPLE) // 2  # most steps are a few people's
    # Nothing the matrix sent moved the proposal: its draft alone, and no update accepted.
    assert system.register.proposal(workflow_id).version == 1
    desk = signed_services.desk
    assert not (await trace(desk, system, workflow_id)).updates
