"""A real OpenID provider for the sign-in tests: npm ``oidc-provider`` run by Node on loopback.

``running_provider`` installs the package once into ``tests/support/oidc`` (from
its lock file; offline first, from npm's cache), starts ``provider.mjs`` on a free
port with one confidential client, waits for its discovery document and stops
it afterwards. ``sign_in_at_provider`` is the person at the provider's login
form: it follows the provider's redirects up to the one that leaves for the
relying party, and returns that address (the app's callback, with code and state).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

PACKAGE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "cabinet-web"
CLIENT_SECRET = "a-long-client-secret-for-the-tests-only"
_INTERACTION = re.compile(r"/interaction/([A-Za-z0-9_-]+)$")


@dataclass(frozen=True)
class LoopbackProvider:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def install_package() -> None:
    """``npm ci`` into the package folder when its node_modules is missing (CI runs it ahead)."""
    if (PACKAGE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to install the test OpenID provider (oidc-provider)")
    quiet = ["--ignore-scripts", "--no-audit", "--no-fund"]
    offline = subprocess.run([npm, "ci", "--offline", *quiet], cwd=PACKAGE,
                             capture_output=True, text=True, check=False)
    if offline.returncode != 0:
        subprocess.run([npm, "ci", *quiet], cwd=PACKAGE, check=True,
                       capture_output=True, text=True)


@contextmanager
def running_provider(redirect_uris: list[str], *, port: int | None = None,
                     timeout: float = 30.0) -> Iterator[LoopbackProvider]:
    install_package()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed to run the test OpenID provider")
    port = port or free_port()
    command = [node, str(PACKAGE / "provider.mjs"), "--port", str(port),
               "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    for uri in redirect_uris:
        command += ["--redirect-uri", uri]
    issuer = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=PACKAGE, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NODE_ENV": "test"})
        try:
            try:
                _wait_for_discovery(issuer, process, timeout)
            except RuntimeError as error:
                log.seek(0)
                raise RuntimeError(f"{error}\n{log.read()[-4000:]}") from None
            yield LoopbackProvider(issuer=issuer, client_id=CLIENT_ID,
                                   client_secret=CLIENT_SECRET,
                                   redirect_uris=tuple(redirect_uris))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = f"{issuer}/.well-known/openid-configuration"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID provider exited ({process.returncode}):")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the test OpenID provider did not answer at {url} in {timeout}s")


def sign_in_at_provider(browser: httpx.Client, authorization_url: str, login: str,
                        **claims: str) -> str:
    """Sign ``login`` in at the provider (``claims`` change the account's claims from now
    on); returns the address the provider then sends the browser to (the callback)."""
    response = browser.get(authorization_url, follow_redirects=True)
    found = _INTERACTION.search(response.url.path)
    if response.status_code != 200 or found is None:
        raise AssertionError(f"no login form at the provider: {response.status_code} "
                             f"{response.url}")
    location = str(response.url.join(f"/interaction/{found.group(1)}/login"))
    response = browser.post(location, data={"login": login, **claims})
    provider = f"{response.url.scheme}://{response.url.netloc.decode()}"
    while response.is_redirect:
        location = urljoin(str(response.url), response.headers["location"])
        if not location.startswith(provider + "/"):
            return location
        response = browser.get(location)
    raise AssertionError(f"the provider did not send the browser back: "
                         f"{response.status_code} {response.text[:300]}")
