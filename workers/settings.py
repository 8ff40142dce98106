"""Settings: the one place that reads the process environment.

Everything else receives a ``Settings`` (or the eventsourcing environment it
builds), so tests and the CLI can point the system anywhere without touching
``os.environ``.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from workers.client_settings import ClientSettings
from workers.web_settings import WebSettings

DEFAULT_DATA_DIR = "cabinet-data"
DEFAULT_TASK_QUEUE = "cabinet-proposals"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_CALL_TIMEOUT = 60.0


STORED_FORM = {
    "MAPPER_TOPIC": "workers.storage.mapping:PydanticMapper",
    "TRANSCODER_TOPIC": "workers.storage.mapping:UnusedTranscoder",
    "CONFLICT_ERROR_TOPIC": "eventsourcing.persistence:RecordConflictError",
}
"""How the register's events are stored, whatever the store: the library's own
settings name the mapper and transcoder (``InfrastructureFactory.mapper``),
and the register's own names the error a store raises when two writers
collide, which its unit of work retries. Named here, at the composition root,
so that domain/ imports no storage code. An in-memory register for tests is
``{**STORED_FORM, "PERSISTENCE_MODULE": "eventsourcing.popo"}``."""


class SettingsError(ValueError):
    """A setting has a value the system cannot use."""


@dataclass(frozen=True)
class PostgresSettings:
    host: str = "127.0.0.1"
    port: int = 5432
    dbname: str = "postgres"
    user: str = "postgres"
    password: str = ""
    schema: str = "public"
    lock_timeout: int = 30
    """Seconds a statement waits for a lock another command holds, then fails."""
    statement_timeout: int = 600
    """Seconds a statement may run, then it is cancelled (an import is one statement)."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    store: Literal["sqlite", "postgres"] = "sqlite"
    postgres: PostgresSettings = PostgresSettings()
    development: bool = False
    """Development mode (``CABINET_ENV=development``): the development ledger key may write,
    and a checkpoint key is made in the data folder if none is given. ``cabinet demo`` and
    the tests run in it; a register that is the record never does."""
    ledger_key: str | None = None
    checkpoint_dir: Path | None = None
    """Where signed checkpoints of the chain's head go; None: ``checkpoints`` in the data
    folder. In production, a place the database's users cannot write."""
    attachment_dir: Path | None = None
    """Where scanned documents are kept by their hash; None: ``attachments`` in the data
    folder (``workers.storage.attachments``)."""
    attachment_max_mb: int = 50
    checkpoint_key: str | None = None
    """The writer's Ed25519 checkpoint key (base64 of its 32 private bytes)."""
    checkpoint_trusted_keys: tuple[str, ...] = ()
    """Public checkpoint keys an audit trusts (base64); none: the folder's first key."""
    temporal_address: str | None = None
    """None: run the embedded Temporal dev server from the data folder."""
    temporal_namespace: str = "default"
    task_queue: str = DEFAULT_TASK_QUEUE
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    temporal_connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    """Seconds a command waits for the Temporal server to accept its connection."""
    temporal_call_timeout: float = DEFAULT_CALL_TIMEOUT
    """Seconds a command waits for any one answer (a step, a query, a start).

    A step normally answers within a second; the bound is for a server that
    holds the request without answering (no worker behind it, or one stuck),
    with room for a worker that restarts or waits on the register's lock.
    """
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "info"
    web: WebSettings = field(default_factory=WebSettings)
    """The HTTP app (API and web desk): address, secret key, identity provider."""
    client: ClientSettings = field(
        default_factory=lambda: ClientSettings(config_dir=Path.home() / ".config" / "cabinet"))
    """The ``cabinet`` client's own: the API it talks to and the signed-in person's token."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 data_dir: str | Path | None = None) -> Settings:
        env = os.environ if environ is None else environ
        store = env.get("CABINET_STORE", "sqlite").strip().lower()
        if store not in ("sqlite", "postgres"):
            raise SettingsError(f"CABINET_STORE must be sqlite or postgres, not {store!r}")
        log_format = env.get("CABINET_LOG_FORMAT", "auto").strip().lower()
        if log_format not in ("auto", "json", "console"):
            raise SettingsError(f"CABINET_LOG_FORMAT must be auto, json or console, "
                                f"not {log_format!r}")
        mode = env.get("CABINET_ENV", "production").strip().lower() or "production"
        if mode not in ("production", "development"):
            raise SettingsError(f"CABINET_ENV must be production or development, not {mode!r}")
        checkpoint_dir = env.get("CABINET_CHECKPOINT_DIR")
        attachment_dir = env.get("CABINET_ATTACHMENT_DIR")
        return cls(
            data_dir=Path(data_dir or env.get("CABINET_DATA_DIR") or DEFAULT_DATA_DIR),
            development=mode == "development",
            checkpoint_dir=Path(checkpoint_dir) if checkpoint_dir else None,
            attachment_dir=Path(attachment_dir) if attachment_dir else None,
            attachment_max_mb=_int(env, "CABINET_ATTACHMENT_MAX_MB", 50),
            checkpoint_key=_key(env, "CABINET_CHECKPOINT_KEY"),
            checkpoint_trusted_keys=tuple(
                _key({"key": k}, "key", name="CABINET_CHECKPOINT_TRUSTED_KEYS") or ""
                for k in env.get("CABINET_CHECKPOINT_TRUSTED_KEYS", "").replace(",", " ").split()),
            store=store,  # type: ignore[arg-type]
            postgres=PostgresSettings(
                host=env.get("CABINET_POSTGRES_HOST", "127.0.0.1"),
                port=_int(env, "CABINET_POSTGRES_PORT", 5432),
                dbname=env.get("CABINET_POSTGRES_DB", "postgres"),
                user=env.get("CABINET_POSTGRES_USER", "postgres"),
                password=env.get("CABINET_POSTGRES_PASSWORD", ""),
                schema=env.get("CABINET_POSTGRES_SCHEMA", "public"),
                lock_timeout=_limit_seconds(env, "CABINET_POSTGRES_LOCK_TIMEOUT", 30),
                statement_timeout=_limit_seconds(env, "CABINET_POSTGRES_STATEMENT_TIMEOUT", 600),
            ),
            ledger_key=env.get("CABINET_LEDGER_KEY") or None,
            temporal_address=env.get("CABINET_TEMPORAL_ADDRESS") or None,
            temporal_namespace=env.get("CABINET_TEMPORAL_NAMESPACE", "default"),
            task_queue=env.get("CABINET_TASK_QUEUE", DEFAULT_TASK_QUEUE),
            temporal_port=_int(env, "CABINET_TEMPORAL_PORT", 7233),
            temporal_ui_port=_int(env, "CABINET_TEMPORAL_UI_PORT", 8233),
            temporal_connect_timeout=_seconds(env, "CABINET_TEMPORAL_CONNECT_TIMEOUT",
                                              DEFAULT_CONNECT_TIMEOUT),
            temporal_call_timeout=_seconds(env, "CABINET_TEMPORAL_CALL_TIMEOUT",
                                           DEFAULT_CALL_TIMEOUT),
            log_format=log_format,  # type: ignore[arg-type]
            log_level=env.get("CABINET_LOG_LEVEL", "info").lower(),
            web=WebSettings.from_env(env, _int),
            client=ClientSettings.from_env(env, _seconds),
        )

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "register.sqlite"

    @property
    def temporal_db_path(self) -> Path:
        return self.data_dir / "temporal.sqlite"

    @property
    def checkpoints_path(self) -> Path:
        return self.checkpoint_dir or self.data_dir / "checkpoints"

    @property
    def attachments_path(self) -> Path:
        return self.attachment_dir or self.data_dir / "attachments"

    def register_env(self) -> dict[str, str]:
        """The eventsourcing environment for the register and its views."""
        env = {"AGGREGATE_CACHE_MAXSIZE": "4096", **STORED_FORM}
        if self.ledger_key:
            env["LEDGER_KEY"] = self.ledger_key
        if self.development:
            env["LEDGER_DEVELOPMENT"] = "yes"
        env["CHECKPOINT_DIR"] = str(self.checkpoints_path)
        if self.checkpoint_key:
            env["CHECKPOINT_KEY"] = self.checkpoint_key
        else:
            env["CHECKPOINT_KEY_FILE"] = str(self.data_dir / "checkpoint-signing.key")
        if self.store == "sqlite":
            env.update({
                "PERSISTENCE_MODULE": "workers.storage.sqlite:LedgeredSQLiteFactory",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "30",
            })
        else:
            pg = self.postgres
            env.update({
                "PERSISTENCE_MODULE": "workers.storage.postgres:LedgeredPostgresFactory",
                "POSTGRES_HOST": pg.host,
                "POSTGRES_PORT": str(pg.port),
                "POSTGRES_DBNAME": pg.dbname,
                "POSTGRES_USER": pg.user,
                "POSTGRES_PASSWORD": pg.password,
                "POSTGRES_SCHEMA": pg.schema,
                "POSTGRES_POOL_SIZE": "4",
                "POSTGRES_MAX_OVERFLOW": "4",
                "POSTGRES_LOCK_TIMEOUT": str(pg.lock_timeout),
                "POSTGRES_STATEMENT_TIMEOUT": str(pg.statement_timeout),
            })
        return env


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None


def _key(env: Mapping[str, str], variable: str, *, name: str | None = None) -> str | None:
    """An Ed25519 key as base64 of its 32 bytes (private or public), checked for its form."""
    raw = (env.get(variable) or "").strip()
    if not raw:
        return None
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != 32:
        raise SettingsError(f"{name or variable} must be an Ed25519 key as base64 of its "
                            "32 bytes")
    return raw


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        seconds = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0 < seconds < 86_400:
        raise SettingsError(f"{name} must be more than 0 and less than a day, not {raw!r}")
    return seconds


def _limit_seconds(env: Mapping[str, str], name: str, default: int) -> int:
    """Whole seconds for a database time limit; 0 means no limit (PostgreSQL's own rule)."""
    seconds = _int(env, name, default)
    if seconds < 0:
        raise SettingsError(f"{name} must be 0 (no limit) or more seconds, not {seconds}")
    return seconds
