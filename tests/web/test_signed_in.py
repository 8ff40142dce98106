"""The API behind sign-in: an account's token says who acts, a forged or revoked one is 401.

The app is built as a serving process builds it (``web.services.serving``):
sign-in's authenticator over the register's grants and the credential store
in the register's own database.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from domain.permissions import Actor, Role
from domain.register.grants import RoleGrant
from domain.values import DocumentKind, SourceDocument
from tests.web.conftest import bearer
from tests.web.test_problems import HOLIDAY, problem
from web.app import create_app
from web.services import serving
from workers.bootstrap import open_register
from workers.web_settings import WebSettings

PASSWORD = "correct horse battery"
# Cheap argon2id parameters, through the settings production reads, so the test is quick.
CHEAP = WebSettings(password_time_cost=1, password_memory_kib=64)


@pytest.fixture
def signed_system(settings, case):
    opened = open_register(dataclasses.replace(settings, web=CHEAP))
    opened.register.import_file(case)
    order = SourceDocument(kind=DocumentKind.LETTER, number="นร 0101/7", date=date(2026, 1, 5),
                           issuer="SOC")
    opened.register.grant_role(RoleGrant(username="somchai", agency="SOC", role=Role.STAFF,
                                         effective_from=date(2026, 1, 5), source=order,
                                         reason="appointed by order"),
                               Actor(agency="SOC", role=Role.OPERATOR))
    opened.catch_up()
    yield opened
    opened.close()


@pytest_asyncio.fixture
async def signed(signed_system):
    services = serving(signed_system)
    assert services.credentials is not None
    services.credentials.set_password("somchai", PASSWORD)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(services)),
                                 base_url="http://testserver") as client:
        yield client


async def test_a_signed_in_account_acts_as_its_grant(signed, signed_system):
    login = await signed.post("/api/login", json={"username": "somchai", "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["token"]

    answer = await signed.get("/api/obligations", params={"at": "2021-11-10"},
                              headers=bearer(token))
    assert answer.status_code == 200
    declared = await signed.post("/api/holidays", json=HOLIDAY, headers=bearer(token))
    assert declared.status_code == 201, declared.text
    history = (await signed.get("/api/holidays/history", headers=bearer(token))).json()
    assert history["events"][-1]["actor"] == "SOC:staff"

    assert (await signed.post("/api/logout", headers=bearer(token))).status_code == 204
    problem(await signed.get("/api/agencies", headers=bearer(token)), 401)


async def test_a_wrong_password_or_a_forged_token_is_a_401_problem(signed):
    body = problem(await signed.post("/api/login", json={"username": "somchai",
                                                          "password": "wrong"}), 401)
    unknown = problem(await signed.post("/api/login", json={"username": "nobody",
                                                             "password": "wrong"}), 401)
    assert body["detail"] == unknown["detail"]  # no account enumeration
    problem(await signed.get("/api/agencies", headers=bearer("forged-token")), 401)


# --- scans: ``POST /api/attachments`` stores one by its hash, answered as the
# ``Attachment`` a step's JSON body names; anything but a PDF or an image is refused.

SCAN = b"\x89PNG\r\n\x1a\n a scanned circular"


async def _token(client) -> str:
    login = await client.post("/api/login", json={"username": "somchai", "password": PASSWORD})
    assert login.status_code == 200, login.text
    return str(login.json()["token"])


async def test_a_scan_is_stored_by_its_hash(signed, signed_system):
    token = await _token(signed)
    stored = await signed.post("/api/attachments", content=SCAN,
                               headers={**bearer(token), "Content-Type": "image/png"})
    assert stored.status_code == 201, stored.text
    digest = hashlib.sha256(SCAN).hexdigest()
    assert stored.json() == {"sha256": digest, "media_type": "image/png", "size": len(SCAN)}
    assert Path(signed_system.attachments.where(digest)).read_bytes() == SCAN


async def test_not_a_scan_or_not_signed_in_is_refused(signed, signed_system):
    token = await _token(signed)
    refused = await signed.post("/api/attachments", content=b"#!/bin/sh\nrm -rf /",
                                headers=bearer(token))
    assert refused.status_code == 422
    assert refused.json()["field"] == "body"
    anonymous = await signed.post("/api/attachments", content=SCAN)
    assert anonymous.status_code == 401
    assert not Path(signed_system.attachments.where(hashlib.sha256(SCAN).hexdigest())).exists()
