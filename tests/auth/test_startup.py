"""The app refuses to serve outside development with the development keys, or none."""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

import pytest

from web.auth.startup import DEVELOPMENT_SECRET, check_can_serve, cookies_secure, serving_secret
from workers.settings import Settings, SettingsError
from workers.storage.ledger import DEV_KEY
from workers.web_settings import WebSettings

REAL_SECRET = secrets.token_urlsafe(32)


def production(ledger_key: str | None, secret_key: str | None) -> Settings:
    return Settings(data_dir=Path("unused"), development=False, ledger_key=ledger_key,
                    web=WebSettings(secret_key=secret_key))


@pytest.mark.parametrize(("ledger_key", "secret_key", "named"), [
    (None, REAL_SECRET, "CABINET_LEDGER_KEY"),
    (DEV_KEY.decode(), REAL_SECRET, "CABINET_LEDGER_KEY"),
    ("a-real-ledger-key-of-the-register", None, "CABINET_SECRET_KEY"),
    ("a-real-ledger-key-of-the-register", DEVELOPMENT_SECRET, "CABINET_SECRET_KEY"),
    ("a-real-ledger-key-of-the-register", "short", "CABINET_SECRET_KEY"),
])
def test_production_with_development_or_missing_keys_is_refused(
        ledger_key: str | None, secret_key: str | None, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        check_can_serve(production(ledger_key, secret_key))


def test_production_with_its_own_keys_serves_with_secure_cookies() -> None:
    settings = production("a-real-ledger-key-of-the-register", REAL_SECRET)
    check_can_serve(settings)
    assert serving_secret(settings) == REAL_SECRET.encode()
    assert cookies_secure(settings)


def test_development_serves_with_the_fixed_secret_and_plain_http_cookies_on_loopback() -> None:
    settings = Settings(data_dir=Path("unused"), development=True)
    check_can_serve(settings)
    assert serving_secret(settings) == DEVELOPMENT_SECRET.encode()
    assert not cookies_secure(settings)
    public = dataclasses.replace(settings, web=WebSettings(host="0.0.0.0",
                                                           public_url="http://desk.example"))
    assert cookies_secure(public)
