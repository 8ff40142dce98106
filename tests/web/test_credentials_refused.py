"""Forged, tampered, expired, revoked and missing credentials, on a read and on a step.

Every one is a 401 problem in the same words, whatever was wrong, and leaves
the store and the workflow as they were. A desk session cookie without its
CSRF token is a 403, recorded nowhere. Real tokens from the real credential
store, the real authenticator, a real Temporal dev server.
"""

from __future__ import annotations

import secrets
from datetime import date

import httpx
import pytest_asyncio

from domain.permissions import Actor, Role
from domain.register.grants import RoleRevocation
from tests.support.memos import with_unique_memo
from tests.web.accounts import (
    OPERATOR,
    PASSWORD,
    credentials_of,
    grant_accounts,
    log_length,
    order,
    recorded_draft,
)
from tests.web.test_problems import problem
from tests.workflows.driving import ENDORSE, trace
from web.app import create_app
from web.auth import CSRF_HEADER, SESSION_COOKIE

READ = ("GET", "/api/obligations?at=2021-11-10&agency=OPDC")
OPDC_HEAD, DPM_HEAD = Actor(agency="OPDC", role=Role.HEAD), Actor(agency="DPM", role=Role.HEAD)
SIGN_IN_REQUIRED = "sign-in required"


def tampered(token: str, at: int) -> str:
    """The token with the character at ``at`` changed (still a token's form)."""
    swap = "A" if token[at] != "A" else "B"
    if token[at] in "0123456789abcdef" and at < 16:  # the public id is hex
        swap = "0" if token[at] != "0" else "1"
    return token[:at] + swap + token[at + 1:]


@pytest_asyncio.fixture
async def scene(signed_client, signed_services, signed_register, case):
    """The case's proposal drafted by OPDC's head; DPM's head about to endorse it."""
    accounts = grant_accounts(signed_register, credentials_of(signed_services),
                              (OPDC_HEAD, DPM_HEAD), password=PASSWORD)
    proposal = with_unique_memo(case).proposals[0]
    draft = proposal.steps[0].step
    started = await signed_client.post("/api/proposals", headers=accounts[OPDC_HEAD].headers,
                                       json=draft.model_dump(mode="json"))
    assert started.status_code == 201, started.text
    workflow_id = started.json()["workflow_id"]
    await recorded_draft(signed_register, workflow_id)
    endorse = proposal.steps[ENDORSE].step.model_dump(mode="json")
    step = ("POST", f"/api/proposals/{workflow_id}/steps/endorse")
    return accounts, workflow_id, endorse, step


async def refused_alike(client, system, desk, workflow_id, endorse, step, headers,
                        cookies=None, status=401):
    """The read and the step with this credential: refused alike, nothing changed."""
    before, traced = log_length(system), await trace(desk, system, workflow_id)
    client.cookies.clear()
    for name, value in (cookies or {}).items():
        client.cookies.set(name, value)
    bodies = []
    for method, url in (READ, step):
        answer = await client.request(method, url, headers=headers,
                                      json=endorse if method == "POST" else None)
        if method == "GET" and status == 403:  # CSRF guards unsafe requests only
            assert answer.status_code == 200, answer.text
            continue
        bodies.append(problem(answer, status))
    assert log_length(system) == before
    after = await trace(desk, system, workflow_id)
    assert (after.version, after.updates) == (traced.version, traced.updates)
    return bodies


async def test_every_bad_bearer_token_is_the_same_401(scene, signed_client, signed_services,
                                                      signed_register):
    accounts, workflow_id, endorse, step = scene
    credentials = credentials_of(signed_services)
    good = accounts[DPM_HEAD].token
    expired = credentials.issue("dpm-head", "api", hours=-1).token  # expired an hour ago
    logged_out = credentials.issue("dpm-head", "api").token
    assert credentials.revoke(credentials.resolve(logged_out).token_id)  # type: ignore[union-attr]
    random = f"cab_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    cases = {
        "none": {}, "random": {"Authorization": f"Bearer {secrets.token_urlsafe(40)}"},
        "random, a token's form": {"Authorization": f"Bearer {random}"},
        "secret changed": {"Authorization": f"Bearer {tampered(good, len(good) - 5)}"},
        "public id changed": {"Authorization": f"Bearer {tampered(good, 6)}"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "revoked": {"Authorization": f"Bearer {logged_out}"},
        "not bearer": {"Authorization": f"Basic {good}"},
        "empty bearer": {"Authorization": "Bearer "},
    }
    desk = signed_services.desk
    details = set()
    for headers in cases.values():
        for body in await refused_alike(signed_client, signed_register, desk, workflow_id,
                                        endorse, step, headers):
            details.add(body["detail"])
    assert details == {SIGN_IN_REQUIRED}
    # The good token still works: the refusals were about the credentials, not the route.
    endorsed = await signed_client.post(step[1], json=endorse, headers=accounts[DPM_HEAD].headers)
    assert endorsed.status_code == 200, endorsed.text
    # A new password revokes every token the account held (as ``cabinet user passwd`` does).
    credentials.set_password("dpm-head", "a new password for the account")
    problem(await signed_client.get(READ[1], headers=accounts[DPM_HEAD].headers), 401)


async def test_a_revoked_grant_signs_nobody_in_whatever_token_it_holds(
        scene, signed_client, signed_services, signed_register):
    accounts, workflow_id, endorse, step = scene
    signed_register.register.revoke_role(RoleRevocation(
        username="dpm-head", effective_from=date(2021, 6, 1), source=order(99),
        reason="moved to another post"), OPERATOR)
    signed_register.catch_up()
    bodies = await refused_alike(signed_client, signed_register, signed_services.desk,
                                 workflow_id, endorse, step, accounts[DPM_HEAD].headers)
    assert {b["detail"] for b in bodies} == {SIGN_IN_REQUIRED}
    # Signing in again does not help: the password is right, the account holds no role.
    again = await signed_client.post("/api/login", json={"username": "dpm-head",
                                                         "password": PASSWORD})
    assert problem(again, 401)["detail"] == "username or password is wrong"


async def test_forged_cookies_are_401_and_a_cookie_post_needs_its_csrf_token(
        scene, signed_client, signed_services, signed_register):
    _, workflow_id, endorse, step = scene
    desk = signed_services.desk
    app = create_app(signed_services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as browser:
        signed_in = await browser.post("/login", data={"username": "dpm-head",
                                                       "password": PASSWORD})
        assert signed_in.status_code == 303
        session = browser.cookies[SESSION_COOKIE]
        browser.cookies.clear()
        for forged in (tampered(session, len(session) - 3), tampered(session, 6),
                       f"cab_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}", "x"):
            bodies = await refused_alike(browser, signed_register, desk, workflow_id, endorse,
                                         step, {}, cookies={SESSION_COOKIE: forged})
            assert {b["detail"] for b in bodies} == {SIGN_IN_REQUIRED}
        # The real session without its CSRF token, or with another's: 403, nothing kept.
        for headers in ({}, {CSRF_HEADER: "0" * 64}):
            (body,) = await refused_alike(browser, signed_register, desk, workflow_id, endorse,
                                          step, headers, cookies={SESSION_COOKIE: session},
                                          status=403)
            assert body["field"] == "csrf_token"
        auth = app.state.authenticator
        record = auth.credentials.resolve(session, "session")
        csrf = {CSRF_HEADER: auth.csrf_for(record.token_id)}
        browser.cookies.set(SESSION_COOKIE, session)
        endorsed = await browser.post(step[1], json=endorse, headers=csrf)
        assert endorsed.status_code == 200, endorsed.text
