"""``cabinet user`` and ``cabinet who-could``: accounts, run by an operator on the server's
machine, on the data folder directly (not through the HTTP API).

A role grant is recorded in the register as the local operator (``SOC:operator``),
with the document it rests on; passwords and tokens go to the credential tables
beside it, never into the log.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from cli.context import Context
from cli.inputs import date_option, validated
from cli.options import argument, command, group
from cli.render import emit_answer, emit_json, table
from cli.session import handler
from domain.errors import InvalidInput
from domain.permissions import PERMITS
from domain.register.grants import RoleGrant, RoleRevocation, normalize_username
from domain.register.imports import LOCAL_OPERATOR
from projections.queries import directories, grants
from workers.storage.credentials import CredentialStore, open_credentials
from workers.storage.feed_tokens import FeedTokens

F = TypeVar("F", bound=Callable[..., Any])
LOCAL = "Runs on this machine's data folder (an operator's command), not through the API."


def grant_options(function: F) -> F:
    """The day a grant (or its end) takes effect, and the document and reason for it."""
    function = click.option("--reason", metavar="TEXT", help="why (kept with the record)")(
        function)
    function = click.option("--doc-issuer", default="SOC", show_default=True, metavar="CODE",
                            help="the agency that issued the document")(function)
    function = click.option("--doc-kind", default="letter", show_default=True, metavar="KIND",
                            help="the document's kind: letter, memo, circular, …")(function)
    function = click.option("--doc-date", metavar="DATE",
                            help="the document's date (ISO or Thai; default: --from)")(function)
    function = click.option("--doc-number", metavar="NUMBER",
                            help="the order or letter that grants or ends the role")(function)
    return click.option("--from", "effective", metavar="DATE",
                        help="the day it takes effect (ISO or Thai; default: today)")(function)


def password_option(function: F) -> F:
    return click.option("--password-stdin", is_flag=True,
                        help="read the password from the first line of stdin (for scripts)")(
        function)


@group("user", "cabinet user add somchai --agency SOC --role staff",
       "cabinet user list", "cabinet user token issue moi-system")
def user_group() -> None:
    """Accounts: who may sign in, for which agency and role. Local: operators only."""


def _document(options: dict[str, Any], effective: date, reason: str) -> dict[str, Any]:
    return {"effective_from": effective, "reason": options["reason"] or reason,
            "source": {"kind": options["doc_kind"], "number": options["doc_number"],
                       "date": options["doc_date"] or effective,
                       "issuer": options["doc_issuer"]}}


def _effective(options: dict[str, Any]) -> date:
    text = options.pop("effective")
    return date_option(text, "--from") if text else grants.today()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True))


def _credentials(ctx: Context) -> CredentialStore:
    return open_credentials(ctx.system)


def _grant(ctx: Context, name: str, agency: str, role: str, options: dict[str, Any],
           reason: str) -> RoleGrant:
    effective = _effective(options)
    record: RoleGrant = validated(RoleGrant, {"username": name, "agency": agency,
                                              "role": role.lower(),
                                              **_document(options, effective, reason)})
    ctx.system.register.grant_role(record, LOCAL_OPERATOR)
    ctx.system.catch_up()
    return record


@command("add", "cabinet user add somchai --agency SOC --role staff",
         "cabinet user add anan --agency OPDC --role head --doc-number 'นร 0101/123' "
         "--doc-date 2021-01-04 --from 2021-01-04",
         "printf 'secret passphrase\\n' | cabinet user add moi-desk --agency MOI "
         "--role staff --password-stdin", parent=user_group, help=f"""Add an account: its
         role grant (recorded in the register) and its password. {LOCAL}""")
@argument("name", "the username (a-z, 0-9, '.', '_', '@', '-')")
@click.option("--agency", required=True, metavar="CODE", help="the agency it acts for")
@click.option("--role", required=True, metavar="ROLE", help="staff, head, auditor or operator")
@grant_options
@password_option
@handler
def add_user(ctx: Context, name: str, agency: str, role: str, password_stdin: bool,
             **options: Any) -> int:
    username = _username(name)
    store = _credentials(ctx)
    if store.has_password(username):
        raise InvalidInput(f"an account {username!r} exists already; use `cabinet user grant` "
                           "or `cabinet user passwd`", field="NAME")
    password = _password(password_stdin)
    _check_password(password)
    record = _grant(ctx, username, agency, role, options, "account added by the operator")
    store.set_password(username, password)
    return _said(ctx, {"username": username, "agency": record.agency, "role": record.role,
                       "effective_from": record.effective_from.isoformat()},
                 f"added {username} as {record.actor} from {record.effective_from}")


def _username(name: str) -> str:
    try:
        return normalize_username(name)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="NAME") from None


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("a password has at least 8 characters", field="password")


def _said(ctx: Context, payload: dict[str, Any], text: str) -> int:
    if ctx.json:
        emit_json(payload)
    else:
        print(text)
    return 0


@command("grant", "cabinet user grant somchai --agency SOC --role head --from 2022-10-01 "
         "--doc-number 'นร 0101/77'", parent=user_group,
         help=f"Grant an account another role (it replaces the current one). {LOCAL}")
@argument("name", "the username")
@click.option("--agency", required=True, metavar="CODE", help="the agency it acts for")
@click.option("--role", required=True, metavar="ROLE", help="staff, head, auditor or operator")
@grant_options
@handler
def grant_user(ctx: Context, name: str, agency: str, role: str, **options: Any) -> int:
    record = _grant(ctx, _username(name), agency, role, options, "role granted by the operator")
    return _said(ctx, {"username": record.username, "agency": record.agency,
                       "role": record.role, "effective_from": record.effective_from.isoformat()},
                 f"granted {record.username} {record.actor} from {record.effective_from}")


@command("revoke", "cabinet user revoke somchai --reason 'left the office'",
         parent=user_group, help=f"""End an account's role: it signs nobody in from that day,
         whatever password or token it has. {LOCAL}""")
@argument("name", "the username")
@grant_options
@handler
def revoke_user(ctx: Context, name: str, **options: Any) -> int:
    effective = _effective(options)
    record: RoleRevocation = validated(RoleRevocation, {
        "username": _username(name), **_document(options, effective, "role ended by the operator")})
    ctx.system.register.revoke_role(record, LOCAL_OPERATOR)
    ctx.system.catch_up()
    return _said(ctx, {"username": record.username,
                       "effective_until": record.effective_from.isoformat()},
                 f"revoked {record.username}'s role from {record.effective_from}")


@command("passwd", "cabinet user passwd somchai", parent=user_group,
         help=f"Set a new password; every token and session of the account ends. {LOCAL}")
@argument("name", "the username")
@password_option
@handler
def set_password(ctx: Context, name: str, password_stdin: bool) -> int:
    username = _username(name)
    store = _credentials(ctx)
    if not store.has_password(username):
        raise InvalidInput(f"no account {username!r}; add it with `cabinet user add`",
                           field="NAME")
    password = _password(password_stdin)
    _check_password(password)
    store.set_password(username, password)
    return _said(ctx, {"username": username, "tokens_revoked": True},
                 f"new password set for {username}; its tokens and sessions are revoked")


@command("list", "cabinet user list", "cabinet user list --on 2021-11-09",
         "cabinet user list --all --json", parent=user_group)
@click.option("--on", "on", metavar="DATE", help="grants in effect that day (default: today)")
@click.option("--all", "every", is_flag=True, help="every grant ever recorded, ended ones too")
@handler
def list_users(ctx: Context, on: str | None, every: bool) -> int:
    """Accounts and the grant each holds (today, on a day, or all)."""
    day = None if every else (date_option(on, "--on") if on else grants.today())
    answer = grants.grants_on(ctx.system, day)
    if ctx.json:
        return emit_answer(answer)
    table([(g.username, g.agency, g.role, g.effective_from, g.effective_until or "",
            g.source) for g in answer.grants],
          ["username", "agency", "role", "from", "until", "document"])
    return 0


@group("token", "cabinet user token issue moi-system --label 'MOI reporting'",
       "cabinet user token revoke 3f9a0c12ab45")
def token_group() -> None:
    """API tokens for another agency's system (shown once; stored only hashed)."""


user_group.add_command(token_group)


@command("issue", "cabinet user token issue moi-system --hours 720 --label 'MOI reporting'",
         "cabinet user token issue manee --feed MOI", parent=token_group,
         help=f"Issue an API token for an account, or with --feed the address of an agency's "
              f"ICS due-date feed. {LOCAL}")
@argument("name", "the username the token signs in as")
@click.option("--hours", type=click.IntRange(1, 24 * 366), metavar="N",
              help="how long it lasts (default: CABINET_TOKEN_HOURS)")
@click.option("--label", default="issued by the operator", metavar="TEXT",
              help="what the token is for")
@click.option("--feed", metavar="AGENCY", help="a token that reads only AGENCY's ICS feed")
@handler
def issue_token(ctx: Context, name: str, hours: int | None, label: str,
                feed: str | None) -> int:
    username = _username(name)
    if grants.held_grant(ctx.system, username) is None:
        raise InvalidInput(f"{username!r} holds no role today; grant one first", field="NAME")
    if feed is not None:
        return _feed_token(ctx, username, feed, hours)
    issued = _credentials(ctx).issue(username, "api", label=label, hours=hours)
    return _said(ctx, {"token": issued.token, "token_id": issued.token_id,
                       "expires_at": issued.expires_at.isoformat()},
                 f"{issued.token}\n(token {issued.token_id} for {username}, expires "
                 f"{issued.expires_at.isoformat()}; shown only this once)")


def _feed_token(ctx: Context, username: str, feed: str, hours: int | None) -> int:
    agency = directories.require_agency(ctx.system, feed, field="--feed")
    issued = FeedTokens(_credentials(ctx)).issue(username, agency, hours=hours)
    url = f"{ctx.settings.web.base_url}/feeds/{agency}.ics?token={issued.token}"
    return _said(ctx, {"url": url, "token_id": issued.token_id,
                       "expires_at": issued.expires_at.isoformat()},
                 f"{url}\n(feed token {issued.token_id} of {agency}, expires "
                 f"{issued.expires_at.isoformat()}; shown only this once)")


@command("revoke", "cabinet user token revoke 3f9a0c12ab45", parent=token_group,
         help=f"Revoke an API token by its id (the 12 digits after 'cab_'). {LOCAL}")
@argument("token_id", "the token's public id")
@handler
def revoke_token(ctx: Context, token_id: str) -> int:
    if not _credentials(ctx).revoke(token_id):
        raise InvalidInput(f"no live token {token_id!r}", field="TOKEN_ID")
    return _said(ctx, {"token_id": token_id, "revoked": True}, f"revoked token {token_id}")


@command("who-could", "cabinet who-could approve --on 2021-11-09",
         "cabinet who-could request_opinions --on 2021-11-09 --json")
@argument("verb", "a verb or step of the permission table", metavar="VERB")
@click.option("--on", "on", required=True, metavar="DATE", help="the day asked about")
@handler
def who_could_command(ctx: Context, verb: str, on: str) -> int:
    """Which accounts could take VERB on a day, by the grants then and the permission table."""
    if verb not in PERMITS:
        raise InvalidInput(f"no verb {verb!r}; the verbs are {', '.join(sorted(PERMITS))}",
                           field="VERB")
    answer = grants.who_could(ctx.system, verb, date_option(on, "--on"))
    if ctx.json:
        return emit_answer(answer)
    print(f"who could {answer.what} on {answer.on} ({answer.party}; {', '.join(answer.roles)}):")
    table([(a.username, f"{a.agency}:{a.role}", a.when or "", a.grant.source)
           for a in answer.accounts], ["username", "as", "when", "granted by"])
    return 0
