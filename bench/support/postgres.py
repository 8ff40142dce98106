"""PostgreSQL for a benchmark: a fresh schema per run, dropped afterwards, every wait bounded.

The server is the test suite's (127.0.0.1:5432, database ``test``; override
with the CLI's ``CABINET_POSTGRES_*`` variables). ``BOUNDED`` is the libpq
environment that makes the server cancel a statement or a lock wait that
takes too long, so a stuck run ends in an error instead of waiting forever.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from workers.settings import PostgresSettings

BOUNDED = {"PGOPTIONS": "-c statement_timeout=120s -c lock_timeout=60s"}


def server() -> PostgresSettings:
    env = os.environ
    return PostgresSettings(host=env.get("CABINET_POSTGRES_HOST", "127.0.0.1"),
                            port=int(env.get("CABINET_POSTGRES_PORT", "5432")),
                            dbname=env.get("CABINET_POSTGRES_DB", "test"),
                            user=env.get("CABINET_POSTGRES_USER", "postgres"),
                            password=env.get("CABINET_POSTGRES_PASSWORD", ""))


def _connect(pg: PostgresSettings) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                           password=pg.password or None, autocommit=True, connect_timeout=5,
                           options="-c statement_timeout=60s -c lock_timeout=30s")


def unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    if os.environ.get("CABINET_SKIP_POSTGRES") == "1":
        return "CABINET_SKIP_POSTGRES=1"
    pg = server()
    try:
        with _connect(pg) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"not reachable at {pg.host}:{pg.port}/{pg.dbname}: {error}".strip()
    return None


@contextmanager
def fresh_schema(prefix: str = "bench") -> Iterator[PostgresSettings]:
    """A new, empty schema on the server, dropped with everything in it afterwards."""
    pg = server()
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _connect(pg) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield PostgresSettings(**{**pg.__dict__, "schema": schema})
    finally:
        with _connect(pg) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def library_env(pg: PostgresSettings) -> dict[str, str]:
    """eventsourcing's own PostgreSQL recorder in ``pg``'s schema (for baselines)."""
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": pg.host,
            "POSTGRES_PORT": str(pg.port), "POSTGRES_DBNAME": pg.dbname,
            "POSTGRES_USER": pg.user, "POSTGRES_PASSWORD": pg.password,
            "POSTGRES_SCHEMA": pg.schema}
