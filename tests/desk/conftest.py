"""The desk in a real browser: the app as a serving process builds it (``web.app.create_app``
over ``web.services.serving``: sign-in's authenticator, the credential store in the register's
database), served by uvicorn on a loopback port; a real register (SQLite or PostgreSQL, per
CABINET_TEST_STORE) holding each person's account and role grant; the real Temporal dev
server; Debian's Chromium driven by Playwright. Each page is checked with axe-core and its
screenshot saved.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from domain.permissions import Actor, Role
from domain.register.grants import RoleGrant
from domain.values import DocumentKind, SourceDocument
from projections.queries import directories
from tests.e2e.reference_case import earlier_resolutions
from tests.support.memos import with_unique_memo
from web.app import create_app
from web.services import WebServices, serving
from workers.settings import Settings
from workers.temporal import build_worker
from workflows.desk import ProposalDesk

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# One account per actor of the case, and an auditor.
ACTORS = ("OPDC:head", "DPM:head", "PM:head", "SOC:staff", "SOC:head", "MOI:head",
          "NESDC:head", "PMDU:head", "MOI:staff", "SOC:auditor")


def username(actor: str) -> str:
    return actor.lower().replace(":", "-")


def password(actor: str) -> str:
    return f"{username(actor)}-secret"


APPOINTED = date(2021, 1, 4)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The project's test settings, with argon2id parameters cheap enough for a test."""
    return dataclasses.replace(settings, web=dataclasses.replace(
        settings.web, password_time_cost=1, password_memory_kib=64))


@pytest.fixture
def accounts(served, system) -> None:
    """Each person of the case an account (a password in the credential store) holding its
    role by a grant in the register, as ``cabinet user add`` makes them. Asked for after the
    fixture that imports the agencies (a grant names a registered agency)."""
    assert directories.agencies(system).agencies, "import the agencies before the accounts"
    _, services = served
    order = SourceDocument(kind=DocumentKind.LETTER, number="นร 0101/1", date=APPOINTED,
                           issuer="SOC")
    for text in ACTORS:
        actor = Actor.parse(text)
        system.register.grant_role(
            RoleGrant(username=username(text), agency=actor.agency, role=actor.role,
                      effective_from=APPOINTED, source=order, reason="appointed by order"),
            Actor(agency="SOC", role=Role.OPERATOR))
        services.credentials.set_password(username(text), password(text))
    system.catch_up()


@pytest.fixture
def history(system, case):
    """The register holding the earlier resolutions; the case's proposal, its memo unique."""
    system.register.import_file(earlier_resolutions(case))
    system.catch_up()
    return with_unique_memo(case)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest_asyncio.fixture
async def served(dev_server, system) -> AsyncIterator[tuple[str, WebServices]]:
    """The app served on a random loopback port, its steps going to a real workflow."""
    queue = f"desk-{uuid.uuid4().hex[:8]}"
    worker = build_worker(dev_server.client, system.register, queue,
                          workflow_failure_exception_types=[Exception])
    async with worker:
        services = serving(system, ProposalDesk(dev_server.client, system.register, queue))
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1",
                                               port=port, log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}", services
        server.should_exit = True
        await task


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def sign_in(browser: Browser, base: str, actor: str) -> Page:
    """A fresh browser context signed in as the case's ``actor`` through the sign-in form."""
    context = await browser.new_context(base_url=base, locale="th-TH")
    page = await context.new_page()
    await page.goto("/")
    assert "/login" in page.url
    await page.fill("#username", username(actor))
    await page.fill("#password", password(actor))
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/")
    return page


async def check_page(page: Page, name: str) -> None:
    """No serious or critical axe-core violation; the page's screenshot saved for review."""
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: cd tests/desk && npm ci")
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("async () => await axe.run(document)")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps([{"id": v["id"], "help": v["help"],
                                 "nodes": [n["target"] for n in v["nodes"]][:5]}
                                for v in bad], ensure_ascii=False, indent=1)
