"""The app refuses to serve with an identity provider it could not use safely."""

from __future__ import annotations

import dataclasses

import pytest

from web.auth.oidc_register import check_oidc_settings
from workers.settings import Settings, SettingsError
from workers.web_settings import OidcSettings


def _with(settings: Settings, *, development: bool = False, **oidc: str) -> Settings:
    values = {"issuer": "https://sso.example.go.th", "client_id": "cabinet",
              "client_secret": "s" * 40, **oidc}
    web = dataclasses.replace(settings.web, oidc=OidcSettings(**values))
    return dataclasses.replace(settings, web=web, development=development)


def test_a_complete_https_provider_is_accepted(settings):
    check_oidc_settings(_with(settings))
    check_oidc_settings(dataclasses.replace(settings, web=dataclasses.replace(
        settings.web, oidc=None)))


@pytest.mark.parametrize("missing", ["client_id", "client_secret"])
def test_an_issuer_without_its_client_registration_is_refused(settings, missing):
    name = f"CABINET_OIDC_{missing.upper()}"
    with pytest.raises(SettingsError, match=f"{name} must be set"):
        check_oidc_settings(_with(settings, **{missing: ""}))


def test_plain_http_to_a_provider_elsewhere_is_refused_outside_development(settings):
    with pytest.raises(SettingsError, match="https"):
        check_oidc_settings(_with(settings, issuer="http://sso.example.go.th"))
    # a provider on the same machine, or any in development, may use plain http
    check_oidc_settings(_with(settings, issuer="http://127.0.0.1:9000"))
    check_oidc_settings(_with(settings, issuer="http://sso.example.go.th", development=True))
