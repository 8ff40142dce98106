"""The real OpenID provider, started once for the sign-in tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.oidc_provider import LoopbackProvider, running_provider

IN_PROCESS_APP = "http://testserver"
"""Where starlette's TestClient serves the app; registered as a redirect URI too."""


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LoopbackProvider]:
    with running_provider([f"{IN_PROCESS_APP}/auth/oidc/callback"]) as provider:
        yield provider
