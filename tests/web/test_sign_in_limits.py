"""Sign-in over HTTP: failures limited per account and per address, the same words for an
unknown account and a wrong password, and an unknown account as slow as a known one."""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import pytest_asyncio

from domain.permissions import Actor, Role
from tests.web.accounts import PASSWORD, credentials_of, grant_accounts
from tests.web.test_problems import problem
from web.app import create_app
from web.services import WebServices, serving
from workers.storage.credentials import (
    WRONG,
    CredentialStore,
    SignInRefused,
    TooManyAttempts,
)
from workers.web_settings import WebSettings

MOI_STAFF = Actor(agency="MOI", role=Role.STAFF)
SOC_STAFF = Actor(agency="SOC", role=Role.STAFF)
Client = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def services(signed_register) -> WebServices:
    made = serving(signed_register)
    grant_accounts(signed_register, credentials_of(made), (MOI_STAFF, SOC_STAFF),
                   password=PASSWORD)
    return made


@pytest_asyncio.fixture
async def from_address(services) -> AsyncIterator[Client]:
    """A client of the app calling from a given address."""
    app = create_app(services)
    opened: list[httpx.AsyncClient] = []

    def client(address: str) -> httpx.AsyncClient:
        made = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 4000)),
                                 base_url="http://testserver")
        opened.append(made)
        return made

    yield client
    for made in opened:
        await made.aclose()


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/login", json={"username": username, "password": password})


async def test_the_sixth_attempt_at_one_account_is_429_known_or_not(from_address):
    answers = {}
    for number, username in enumerate(("moi-staff", "nobody-at-all")):
        client = from_address(f"192.0.2.{number + 1}")
        wrongs = [problem(await login(client, username, "guess"), 401) for _ in range(5)]
        assert {w["detail"] for w in wrongs} == {WRONG}
        # Locked now, even with the right password (the known account's).
        locked = await login(client, username, PASSWORD)
        answers[username] = (wrongs[0], problem(locked, 429), locked.headers["Retry-After"])
    known, unknown = answers["moi-staff"], answers["nobody-at-all"]
    assert known == unknown  # the same words, the same wait: nothing tells them apart
    assert int(known[2]) > 0
    # Another account, from another address, is not held up by the locked one.
    assert (await login(from_address("192.0.2.9"), "soc-staff", PASSWORD)).status_code == 200


async def test_one_address_guessing_across_accounts_is_429_from_that_address_only(
        from_address):
    guesser = from_address("198.51.100.7")
    for number in range(20):  # one guess at each of twenty names: no account reaches five
        problem(await login(guesser, f"guess-{number}", "guess"), 401)
    locked = await login(guesser, "soc-staff", PASSWORD)
    body = problem(locked, 429)
    assert int(locked.headers["Retry-After"]) > 0
    assert "soc-staff" not in body["detail"]
    assert (await login(from_address("198.51.100.8"), "soc-staff", PASSWORD)).status_code == 200


def seconds(store: CredentialStore, username: str, address: str) -> float:
    started = time.perf_counter()
    with pytest.raises((SignInRefused, TooManyAttempts)):
        store.check_password(username, "guess", address)
    return time.perf_counter() - started


def test_an_unknown_account_costs_a_password_check_too(signed_register):
    # Hashing costly enough that skipping it would show (tens of milliseconds).
    view = signed_register.view
    store = CredentialStore(view.datastore, view.dialect,
                            WebSettings(password_time_cost=2, password_memory_kib=16384))
    store.create_tables_in_turn()
    store.set_password("somchai", PASSWORD)
    known = [seconds(store, "somchai", f"203.0.113.{n}") for n in range(4)]
    unknown = [seconds(store, "nobody", f"203.0.113.{n + 10}") for n in range(4)]
    # Loose: machines are shared; a missing decoy hash would be many times faster.
    assert statistics.median(unknown) > statistics.median(known) / 3
