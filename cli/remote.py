"""The ``cabinet`` client of the register's HTTP API, acting as the signed-in person.

Staff commands do not open the store: they send their request to the server
with the bearer token that ``cabinet login`` kept, and the server decides who
is acting from the token alone. The login file (``login.json`` in the config
folder, ``workers.client_settings``) holds the API's address, the account, the
token and when it expires; it is created with mode 0600 and never exists with
looser permissions, even for an instant. ``CABINET_URL`` and ``CABINET_TOKEN``
override it for scripts.

The server's answers map to the CLI's exit codes: a refusal (4xx, an
``application/problem+json`` naming the field) exits 2 with that field, any
other failure (5xx, a server that cannot be reached) exits 1 with the reason.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from cli.failures import CommandFailed
from domain.errors import RegisterError
from domain.permissions import Actor, Role

if TYPE_CHECKING:
    import httpx

    from workers.settings import Settings

SIGN_IN = "cabinet login"


class LoginRecord(BaseModel):
    """What ``cabinet login`` keeps: where, who, and the token that proves it."""

    url: str
    username: str
    agency: str
    role: Role
    token: str
    expires_at: datetime

    @property
    def actor(self) -> Actor:
        return Actor(agency=self.agency, role=self.role)


class NotSignedIn(RegisterError):
    """No token, or one the server no longer takes: sign in again (exit 2)."""


class RemoteRefusal(RegisterError):
    """The server refused the request (4xx); nothing was recorded (exit 2)."""

    def __init__(self, message: str, *, field: str | None, status: int) -> None:
        super().__init__(message, field=field)
        self.status = status


class RemoteFailure(CommandFailed):
    """The server could not be reached or failed (exit 1); the step may be retried."""


def read_login(path: Path) -> LoginRecord | None:
    try:
        return LoginRecord.model_validate_json(path.read_bytes())
    except (FileNotFoundError, ValidationError, ValueError):
        return None


def write_login(path: Path, record: LoginRecord) -> None:
    """Write the login file, readable by its owner alone from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        aside.unlink()
    # Created 0600 (O_EXCL: never an existing file of another mode), then renamed over.
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(record.model_dump_json(indent=1))
    aside.replace(path)


def forget_login(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


class Remote:
    """One client of the API: its address, the token it sends, and who that token names."""

    def __init__(self, url: str, token: str | None, *, login: LoginRecord | None = None,
                 timeout: float = 90.0, connect_timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.login = login
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self._client: httpx.Client | None = None
        self._actor: Actor | None = None

    @classmethod
    def signed_in(cls, settings: Settings) -> Remote:
        """The client as the signed-in person; refused (naming ``cabinet login``) if none."""
        client = settings.client
        login = read_login(client.login_path)
        url = client.url or (login.url if login else None)
        token = client.token or (login.token if login else None)
        if url is None or token is None:
            raise NotSignedIn(f"not signed in: run `{SIGN_IN} --url URL` first "
                              f"(or set CABINET_URL and CABINET_TOKEN)")
        if client.token is None and login is not None and login.expires_at <= datetime.now(UTC):
            raise NotSignedIn(f"your sign-in to {login.url} expired at "
                              f"{login.expires_at.isoformat()}: sign in again: {SIGN_IN}")
        return cls(url, token, login=login if client.token is None else None,
                   timeout=client.timeout, connect_timeout=settings.temporal_connect_timeout)

    @classmethod
    def anonymous(cls, settings: Settings, url: str) -> Remote:
        """A client with no token yet (to sign in, or out)."""
        return cls(url, None, timeout=settings.client.timeout,
                   connect_timeout=settings.temporal_connect_timeout)

    @property
    def actor(self) -> Actor:
        """Who the token acts as: from the login file, or asked of the server once."""
        if self._actor is None:
            if self.login is not None:
                self._actor = self.login.actor
            else:
                me = self.call("GET", "/api/me")
                self._actor = Actor(agency=me["agency"], role=me["role"])
        return self._actor

    def call(self, method: str, path: str, *, body: Any = None,
             params: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
             signed: bool = True) -> Any:
        """The answer's JSON; a refusal or failure raised as the CLI reports it."""
        import httpx

        sent = dict(headers or {})
        if signed and self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout))
        try:
            response = self._client.request(
                method, self.url + path, json=body, headers=sent,
                params={k: v for k, v in (params or {}).items() if v is not None})
        except httpx.ConnectError as error:
            raise RemoteFailure(f"cannot reach the register's server at {self.url} ({error}): "
                                f"is `cabinet server` running there?") from None
        except httpx.ConnectTimeout:
            raise RemoteFailure(f"the register's server at {self.url} did not accept the "
                                f"connection within {self.connect_timeout:g} s: is `cabinet "
                                "server` running there?") from None
        except httpx.TimeoutException:
            raise RemoteFailure(f"the register's server at {self.url} did not answer within "
                                f"{self.timeout:g} s; run `cabinet server` there if it is "
                                "down, then the same command again (a step is retried as "
                                "the same step)") from None
        except httpx.HTTPError as error:
            raise RemoteFailure(f"the request to {self.url} failed: {error}") from None
        return self._answer(response)

    def _answer(self, response: httpx.Response) -> Any:
        try:
            answer = response.json() if response.content else None
        except ValueError:
            answer = None
        if response.is_success:
            if answer is None and response.content:
                raise RemoteFailure(f"{self.url} answered with something other than JSON; "
                                    "is CABINET_URL the register's address?")
            return answer
        problem = answer if isinstance(answer, dict) else {}
        detail = str(problem.get("detail") or problem.get("title") or response.reason_phrase)
        field = problem.get("field") if isinstance(problem.get("field"), str) else None
        status = response.status_code
        if status == 401:
            raise NotSignedIn(f"the server did not accept your sign-in ({detail}): "
                              f"sign in again: {SIGN_IN}")
        if status == 403:
            who = f"{self.login.username}, {self.login.actor}" if self.login else "this token"
            raise RemoteRefusal(f"{detail} (signed in as {who})", field=field, status=status)
        if 400 <= status < 500:
            raise RemoteRefusal(detail, field=field, status=status)
        raise RemoteFailure(f"the register's server failed ({status}): {detail}")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
