"""Credentials outside the log: argon2id hashes, tokens stored only hashed, limits on guessing.

Everything here reads the real database the register uses, so "the token text
appears nowhere in the database" is checked on every table it holds.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import timedelta
from typing import Any

import pytest

from tests.auth.conftest import PASSWORD
from tests.conftest import Clock
from workers.bootstrap import RegisterSystem
from workers.storage.credentials import (
    CredentialStore,
    SignInRefused,
    TooManyAttempts,
    open_credentials,
)

HOME = "10.0.0.7"


def every_value(system: RegisterSystem) -> str:
    """Every cell of every table in the register's database, as one text."""
    view = system.view
    with view.reading() as cursor:
        if cursor.dialect.name == "sqlite":
            tables = [r["name"] for r in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        else:
            tables = [r["table_name"] for r in cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
                (cursor.dialect.schema,)).fetchall()]
        cells: list[str] = []
        for table in tables:
            for row in cursor.execute(f'SELECT * FROM {{p}}"{table}"').fetchall():
                cells.extend(_text(v) for v in row.values())
    return "\n".join(cells)


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def hash_of(credentials: CredentialStore, username: str) -> str:
    with credentials._cursor(commit=False) as cursor:
        found = cursor.execute("SELECT password_hash FROM {p}cred_accounts "
                               "WHERE username = ?", (username,)).fetchone()
    assert found is not None
    return str(found["password_hash"])


def test_the_password_is_kept_as_an_argon2id_hash_never_as_itself(
        auth_system: RegisterSystem, credentials: CredentialStore) -> None:
    credentials.set_password("somchai", PASSWORD)
    assert hash_of(credentials, "somchai").startswith("$argon2id$")
    assert PASSWORD not in every_value(auth_system)
    assert credentials.check_password("Somchai", PASSWORD, HOME) == "somchai"


def test_a_token_is_stored_only_as_its_hash(auth_system: RegisterSystem,
                                            credentials: CredentialStore) -> None:
    issued = credentials.issue("somchai")
    stored = every_value(auth_system)
    secret = issued.token.rsplit("_", 1)[1]
    assert issued.token not in stored and secret not in stored
    assert issued.token_id in stored  # the public part finds the row
    assert credentials.resolve(issued.token) is not None


def test_expired_revoked_and_forged_tokens_name_nobody(
        credentials: CredentialStore, clock: Clock) -> None:
    good = credentials.issue("somchai", hours=1)
    prefix, token_id, secret = good.token.split("_", 2)
    other_id = f"{int(token_id, 16) ^ 1:012x}"
    forged = [
        f"cab_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}",
        f"{prefix}_{other_id}_{secret}",            # tampered prefix
        f"{prefix}_{token_id}_{secret[:-2]}AA",     # tampered secret
        f"{prefix}_{token_id}",                     # cut short
        "", "Bearer", good.token + "x",
    ]
    assert [credentials.resolve(t) for t in forged] == [None] * len(forged)
    assert credentials.resolve(good.token, "session") is None  # an API token is no session
    clock.now += timedelta(hours=1)
    assert credentials.resolve(good.token) is None
    live = credentials.issue("somchai")
    assert credentials.revoke(live.token_id)
    assert credentials.resolve(live.token) is None


def test_a_new_password_revokes_every_token_of_the_account(
        credentials: CredentialStore) -> None:
    credentials.set_password("somchai", PASSWORD)
    tokens = [credentials.issue("somchai"), credentials.issue("somchai", "session")]
    other = credentials.issue("malee")
    assert credentials.set_password("somchai", "a brand new passphrase") is True
    assert [credentials.resolve(t.token) for t in tokens] == [None, None]
    assert credentials.resolve(other.token) is not None
    with pytest.raises(SignInRefused):
        credentials.check_password("somchai", PASSWORD, HOME)


def test_unknown_account_and_wrong_password_are_refused_alike(
        credentials: CredentialStore) -> None:
    credentials.set_password("somchai", PASSWORD)
    with pytest.raises(SignInRefused) as wrong:
        credentials.check_password("somchai", "not the password", HOME)
    with pytest.raises(SignInRefused) as unknown:
        credentials.check_password("nobody", PASSWORD, HOME)
    assert str(wrong.value) == str(unknown.value) == "username or password is wrong"


def test_five_failures_lock_the_account_for_a_while_even_with_the_right_password(
        auth_system: RegisterSystem, credentials: CredentialStore, clock: Clock) -> None:
    credentials.set_password("somchai", PASSWORD)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            credentials.check_password("somchai", "guess", HOME)
    with pytest.raises(TooManyAttempts) as locked:
        credentials.check_password("somchai", PASSWORD, "10.0.0.8")
    assert str(locked.value) == "too many attempts; try again later"
    # An unknown account locks the same way: the limit reveals nothing either.
    for _ in range(5):
        with pytest.raises(SignInRefused):
            credentials.check_password("nobody", "guess", "10.0.0.9")
    with pytest.raises(TooManyAttempts):
        credentials.check_password("nobody", "guess", "10.0.0.9")
    # The count is in the database: another process (a new store object) sees it.
    again = open_credentials(auth_system, clock=clock)
    with pytest.raises(TooManyAttempts):
        again.check_password("somchai", PASSWORD, HOME)
    clock.now += timedelta(minutes=16)
    assert again.check_password("somchai", PASSWORD, HOME) == "somchai"


def test_twenty_failures_from_one_address_lock_that_address(
        credentials: CredentialStore) -> None:
    credentials.set_password("somchai", PASSWORD)
    for i in range(20):
        with pytest.raises(SignInRefused):
            credentials.check_password(f"user{i}", "guess", "192.0.2.1")
    with pytest.raises(TooManyAttempts):
        credentials.check_password("somchai", PASSWORD, "192.0.2.1")
    assert credentials.check_password("somchai", PASSWORD, HOME) == "somchai"


def test_a_hash_made_with_other_parameters_is_made_again_at_sign_in(
        auth_system: RegisterSystem, credentials: CredentialStore, clock: Clock) -> None:
    credentials.set_password("somchai", PASSWORD)
    old = hash_of(credentials, "somchai")
    stronger = dataclasses.replace(auth_system.settings.web, password_time_cost=2)
    view: Any = auth_system.view
    upgraded = CredentialStore(view.datastore, view.dialect, stronger, clock=clock)
    assert upgraded.check_password("somchai", PASSWORD, HOME) == "somchai"
    new = hash_of(upgraded, "somchai")
    assert new != old and "t=2" in new
    assert upgraded.check_password("somchai", PASSWORD, HOME) == "somchai"


def test_a_short_password_is_refused_naming_the_field(credentials: CredentialStore) -> None:
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as short:
        credentials.set_password("somchai", "short")
    assert short.value.field == "password"
    assert not credentials.has_password("somchai")
