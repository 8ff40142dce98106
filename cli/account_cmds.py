"""``cabinet login``, ``logout`` and ``whoami``: signing in to the register's HTTP API.

The password is asked without echo (or read from stdin with ``--password-stdin``)
and sent once; what is kept is the token the server gives, in a file only its
owner can read (``cli.remote``). Staff commands then act as that account.
"""

from __future__ import annotations

import sys

import click

from cli.context import Context
from cli.failures import CommandFailed
from cli.options import command
from cli.remote import SIGN_IN, LoginRecord, Remote, forget_login, read_login, write_login
from cli.render import emit_json
from cli.session import handler
from domain.errors import InvalidInput, RegisterError


def _default_url(ctx: Context) -> str:
    # The address given before, else this machine's own server (``cabinet server``).
    client = ctx.settings.client
    login = read_login(client.login_path)
    return client.url or (login.url if login else ctx.settings.web.base_url)


@command("login", "cabinet login --url http://127.0.0.1:8000",
         "cabinet login --url https://register.example --username somchai",
         "printf '%s\\n' \"$PASSWORD\" | cabinet login --username somchai --password-stdin")
@click.option("--url", metavar="URL",
              help="the register's address (default: the last one signed in to, "
                   "CABINET_URL, or this machine's cabinet server)")
@click.option("--username", metavar="NAME", help="your account (asked if not given)")
@click.option("--password-stdin", is_flag=True,
              help="read the password from the first line of stdin instead of asking")
@handler
def login_command(ctx: Context, url: str | None, username: str | None,
                  password_stdin: bool) -> int:
    """Sign in: keep a token (in a file only you can read) that staff commands act with."""
    address = (url or _default_url(ctx)).rstrip("/")
    if not address.startswith(("http://", "https://")):
        raise InvalidInput(f"{address!r} should start with http:// or https://", field="--url")
    name = username or click.prompt("username", err=True)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, err=True)
    if not password:
        raise InvalidInput("the password is empty", field="--password-stdin"
                           if password_stdin else "password")
    remote = Remote.anonymous(ctx.settings, address)
    try:
        answer = remote.call("POST", "/api/login", body={"username": name, "password": password},
                             signed=False)
    finally:
        remote.close()
    record = LoginRecord.model_validate({**answer, "url": address})
    write_login(ctx.settings.client.login_path, record)
    if ctx.json:
        emit_json(_shown(record))
    else:
        print(f"signed in to {address} as {record.username} ({record.actor}) "
              f"until {record.expires_at.isoformat()}")
    return 0


@command("logout", "cabinet logout")
@handler
def logout_command(ctx: Context) -> int:
    """Sign out: the server revokes the token, and its file is deleted."""
    path = ctx.settings.client.login_path
    login = read_login(path)
    if login is None:
        forget_login(path)  # unreadable: nothing in it can be used
        print("not signed in", file=sys.stderr)
        return 0
    remote = Remote.anonymous(ctx.settings, login.url)
    remote.token = login.token
    try:
        remote.call("POST", "/api/logout")
    except (RegisterError, CommandFailed):  # expired or unreachable: the local token goes anyway
        print(f"cabinet: the server at {login.url} was not told; the token expires at "
              f"{login.expires_at.isoformat()}", file=sys.stderr)
    finally:
        remote.close()
        forget_login(path)
    if ctx.json:
        emit_json({"signed_out": login.username, "url": login.url})
    else:
        print(f"signed out {login.username} from {login.url}")
    return 0


@command("whoami", "cabinet whoami", "cabinet whoami --json")
@handler
def whoami_command(ctx: Context) -> int:
    """Who the server takes you for: account, agency and role (asked of the server)."""
    remote = ctx.remote
    me = remote.call("GET", "/api/me")
    if ctx.json:
        emit_json({**me, "url": remote.url})
    else:
        print(f"{me['username']} ({me['agency']}:{me['role']}) at {remote.url}")
    return 0


def _shown(record: LoginRecord) -> dict[str, str]:
    # The token stays in its file: output is often pasted into tickets and logs.
    return {"url": record.url, "username": record.username, "agency": record.agency,
            "role": record.role.value, "expires_at": record.expires_at.isoformat()}


__all__ = ["SIGN_IN", "login_command", "logout_command", "whoami_command"]
