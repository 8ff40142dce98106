"""The real OpenID provider, started once for the sign-in tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.oidc_provider import LoopbackProvider, running_provider

IN_PROCESS_APP = "http://127.0.0.1"
"""Where starlette's TestClient serves the app (in process, no port is opened);
registered as a redirect URI too. Plain-http loopback, so in development the
app's cookies go without ``Secure`` and the test's cookie jar sends them back."""


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LoopbackProvider]:
    with running_provider([f"{IN_PROCESS_APP}/auth/oidc/callback"]) as provider:
        yield provider
