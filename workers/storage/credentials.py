"""Credentials, kept outside the event log: password hashes and API/session tokens.

The register records who holds which role (``domain.register.grants``); how a
person proves to be that account is not part of the legal record, and must be
replaceable: a password is rotated, a token revoked or expired. So these are
plain tables in the register's database (the SQLite file in the data folder;
PostgreSQL's configured schema), made when the store is opened.

- Passwords: argon2id hashes (argon2-cffi); a hash made with other parameters
  than the configured ones is made again at its next successful sign-in. A new
  password revokes every token of the account.
- Tokens: ``cab_<id>_<secret>``. The id (12 hex digits) is public and finds the
  row; only the SHA-256 of the whole token is stored, compared in constant time.
  Each has a kind (``api`` for other systems and the CLI, ``session`` for the
  desk's cookie, ``feed`` for an ICS feed's address: ``feed_tokens``), an expiry,
  a revocation and when it was last used.
- Sign-in failures are counted per account and per address (``login_limits``).
  Every refusal says the same thing, whether the account exists or not.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidInput
from domain.register.grants import normalize_username
from projections.sql import Cursor, Dialect, moment
from workers.storage import feed_tokens, login_limits
from workers.storage.login_limits import LoginLimits
from workers.web_settings import WebSettings

if TYPE_CHECKING:
    from workers.bootstrap import RegisterSystem

TokenKind = Literal["api", "session", "feed"]
WRONG = "username or password is wrong"
TOO_MANY = "too many attempts; try again later"
LAST_USED_EVERY = timedelta(minutes=1)
"""How stale ``last_used_at`` may be: a request writes it at most this often per token."""

ACCOUNTS, TOKENS = "cred_accounts", "cred_tokens"
STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {{p}}{ACCOUNTS} (
        username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL, changed_at TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TOKENS} (
        token_id TEXT PRIMARY KEY, username TEXT NOT NULL, kind TEXT NOT NULL,
        secret_hash TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT)""",
    f"CREATE INDEX IF NOT EXISTS {TOKENS}_user ON {{p}}{TOKENS} (username)",
    *login_limits.STATEMENTS, *feed_tokens.STATEMENTS,
)


class SignInRefused(Exception):
    """Unknown account, wrong password, or no role held: one message for all (HTTP 401)."""

    def __init__(self) -> None:
        super().__init__(WRONG)
        self.message = WRONG


class TooManyAttempts(Exception):
    """Too many failures for this account or address lately (HTTP 429)."""

    def __init__(self) -> None:
        super().__init__(TOO_MANY)
        self.message = TOO_MANY


@dataclass(frozen=True)
class IssuedToken:
    token: str
    """The secret itself: shown once, to whoever asked for it, and never stored."""
    token_id: str
    username: str
    kind: TokenKind
    expires_at: datetime


@dataclass(frozen=True)
class TokenRecord:
    token_id: str
    username: str
    kind: TokenKind
    label: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    last_used_at: str | None


def password_hasher(web: WebSettings) -> PasswordHasher:
    return PasswordHasher(time_cost=web.password_time_cost, memory_cost=web.password_memory_kib)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_id_of(token: str) -> str | None:
    """The public id a token names, if it has a token's form."""
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != "cab" or len(token_id) != 12 or not secret:
        return None
    return token_id


class CredentialStore:
    """Accounts' password hashes, tokens and sign-in failures, in the register's database."""

    def __init__(self, datastore: Any, dialect: Dialect, web: WebSettings, *,
                 clock: Callable[[], datetime] | None = None,
                 limits: LoginLimits | None = None) -> None:
        self.datastore = datastore
        self.dialect = dialect
        self.hasher = password_hasher(web)
        self.token_hours = web.token_hours
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limits = limits or LoginLimits()
        # Checked against when the account does not exist, so that an unknown
        # name costs the same time as a wrong password.
        self._decoy = self.hasher.hash(secrets.token_urlsafe(16))

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=commit) as raw:
            yield Cursor(raw, self.dialect)

    def create_tables(self) -> None:
        with self._cursor(commit=True) as cursor:
            for statement in STATEMENTS:
                cursor.execute(statement)

    def create_tables_in_turn(self) -> None:
        """``create_tables``, taking turns with other processes on PostgreSQL (whose
        concurrent ``CREATE TABLE IF NOT EXISTS`` can fail one of them)."""
        if self.dialect.name == "sqlite":
            self.create_tables()
            return
        from workers.storage.postgres import postgres_schema_lock

        with postgres_schema_lock(self.datastore):
            self.create_tables()

    # --- passwords -------------------------------------------------------------------

    def set_password(self, username: str, password: str) -> bool:
        """Set (or rotate) an account's password; True if it replaced one, whose tokens
        are then all revoked."""
        name = normalize_username(username)
        if len(password) < 8:
            raise InvalidInput("a password has at least 8 characters", field="password")
        hashed = self.hasher.hash(password)
        now = moment(self.clock())
        with self._cursor(commit=True) as cursor:
            had = cursor.execute(f"SELECT 1 AS found FROM {{p}}{ACCOUNTS} WHERE username = ?",
                                 (name,)).fetchone() is not None
            if had:
                cursor.execute(f"UPDATE {{p}}{ACCOUNTS} SET password_hash = ?, changed_at = ? "
                               "WHERE username = ?", (hashed, now, name))
                self._revoke_all(cursor, name, now)
            else:
                cursor.execute(f"INSERT INTO {{p}}{ACCOUNTS} (username, password_hash, "
                               "created_at, changed_at) VALUES (?, ?, ?, ?)",
                               (name, hashed, now, now))
        return had

    def has_password(self, username: str) -> bool:
        with self._cursor(commit=False) as cursor:
            return self._hash_of(cursor, username) is not None

    def check_password(self, username: str, password: str, address: str) -> str:
        """The account's username if ``password`` is its own; else ``SignInRefused``, or
        ``TooManyAttempts`` while the account or the address is locked out."""
        try:
            name = normalize_username(username)
        except ValueError:
            name = username.strip().lower()[:64]
        now = self.clock()
        with self._cursor(commit=False) as cursor:
            locked = self.limits.exceeded(cursor, name, address, now)
            stored = None if locked else self._hash_of(cursor, name)
        if locked:
            raise TooManyAttempts()
        if not self._verify(stored or self._decoy, password) or stored is None:
            with self._cursor(commit=True) as cursor:
                self.limits.record_failure(cursor, name, address, now)
            raise SignInRefused()
        with self._cursor(commit=True) as cursor:
            self.limits.forget_account(cursor, name)
            if self.hasher.check_needs_rehash(stored):
                cursor.execute(f"UPDATE {{p}}{ACCOUNTS} SET password_hash = ? "
                               "WHERE username = ?", (self.hasher.hash(password), name))
        return name

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def _hash_of(self, cursor: Cursor, username: str) -> str | None:
        found = cursor.execute(f"SELECT password_hash FROM {{p}}{ACCOUNTS} WHERE username = ?",
                               (username,)).fetchone()
        return str(found["password_hash"]) if found else None

    # --- tokens ----------------------------------------------------------------------

    def issue(self, username: str, kind: TokenKind = "api", *, label: str = "",
              hours: int | None = None) -> IssuedToken:
        name = normalize_username(username)
        token_id = secrets.token_hex(6)
        token = f"cab_{token_id}_{secrets.token_urlsafe(32)}"
        now = self.clock()
        expires = now + timedelta(hours=hours or self.token_hours)
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"INSERT INTO {{p}}{TOKENS} (token_id, username, kind, secret_hash, label, "
                "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token_id, name, kind, _digest(token), label, moment(now), moment(expires)))
        return IssuedToken(token=token, token_id=token_id, username=name, kind=kind,
                           expires_at=expires)

    def resolve(self, token: str, kind: TokenKind | None = None) -> TokenRecord | None:
        """The token's record if it is one this store issued, unexpired and unrevoked."""
        token_id = token_id_of(token)
        if token_id is None:
            return None
        now = self.clock()
        with self._cursor(commit=False) as cursor:
            found = cursor.execute(f"SELECT * FROM {{p}}{TOKENS} WHERE token_id = ?",
                                   (token_id,)).fetchone()
        if found is None or not hmac.compare_digest(found["secret_hash"], _digest(token)):
            return None
        record = record_of(found)
        if record.revoked_at is not None or record.expires_at <= moment(now):
            return None
        if kind is not None and record.kind != kind:
            return None
        last = record.last_used_at
        if last is None or last < moment(now - LAST_USED_EVERY):
            with self._cursor(commit=True) as cursor:
                cursor.execute(f"UPDATE {{p}}{TOKENS} SET last_used_at = ? WHERE token_id = ?",
                               (moment(now), token_id))
        return record

    def revoke(self, token_id: str) -> bool:
        """Revoke one token by its public id; False if there is no such unrevoked token."""
        with self._cursor(commit=True) as cursor:
            live = cursor.execute(f"SELECT 1 AS found FROM {{p}}{TOKENS} WHERE token_id = ? "
                                  "AND revoked_at IS NULL", (token_id,)).fetchone()
            cursor.execute(f"UPDATE {{p}}{TOKENS} SET revoked_at = ? WHERE token_id = ? "
                           "AND revoked_at IS NULL", (moment(self.clock()), token_id))
        return live is not None

    def revoke_all(self, username: str) -> None:
        with self._cursor(commit=True) as cursor:
            self._revoke_all(cursor, normalize_username(username), moment(self.clock()))

    def _revoke_all(self, cursor: Cursor, username: str, at: str) -> None:
        cursor.execute(f"UPDATE {{p}}{TOKENS} SET revoked_at = ? WHERE username = ? "
                       "AND revoked_at IS NULL", (at, username))

    def tokens(self, username: str) -> list[TokenRecord]:
        with self._cursor(commit=False) as cursor:
            rows = cursor.execute(f"SELECT * FROM {{p}}{TOKENS} WHERE username = ? "
                                  "ORDER BY created_at", (normalize_username(username),)
                                  ).fetchall()
        return [record_of(r) for r in rows]


def record_of(row: dict[str, Any]) -> TokenRecord:
    return TokenRecord(token_id=row["token_id"], username=row["username"], kind=row["kind"],
                       label=row["label"], created_at=row["created_at"],
                       expires_at=row["expires_at"], revoked_at=row["revoked_at"],
                       last_used_at=row["last_used_at"])


def open_credentials(system: RegisterSystem, *,
                     clock: Callable[[], datetime] | None = None) -> CredentialStore:
    """The credential store in the register's own database, its tables made if missing."""
    view: Any = system.view
    store = CredentialStore(view.datastore, view.dialect, system.settings.web, clock=clock)
    store.create_tables_in_turn()
    return store
