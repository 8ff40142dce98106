"""Bounds on waiting in PostgreSQL: a command blocked by another's lock fails, never hangs.

Every connection of the register and its views starts with ``lock_timeout``
and ``statement_timeout`` set, and the timeouts end the command with
``StoreBusy``: the library retries its own ``OperationalError`` ten times,
which would multiply the wait tenfold.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.persistence import OperationalError, PersistenceError
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.errors import LockNotAvailable, QueryCanceled
from psycopg.rows import DictRow

STATEMENT_TIMEOUT = "POSTGRES_STATEMENT_TIMEOUT"
"""The eventsourcing environment's key for the statement timeout, in seconds."""


class StoreBusy(PersistenceError):
    """A statement waited for a lock, or ran, longer than the store allows."""


class BoundedPostgresDatastore(PostgresDatastore):
    """The library's datastore, whose timeouts end a command instead of being retried."""

    statement_timeout: int = 0

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        try:
            with super().get_connection() as conn:
                yield conn
        except OperationalError as error:
            cause = error.__cause__
            if isinstance(cause, LockNotAvailable):
                raise StoreBusy(
                    f"waited more than {self.lock_timeout} s for a lock another command "
                    "holds (CABINET_POSTGRES_LOCK_TIMEOUT); this command's changes were "
                    "rolled back: try again when the other command has finished") from cause
            if isinstance(cause, QueryCanceled):
                raise StoreBusy(
                    f"a statement ran longer than {self.statement_timeout} s "
                    "(CABINET_POSTGRES_STATEMENT_TIMEOUT) and was cancelled; this "
                    "command's changes were rolled back") from cause
            raise


def bound(datastore: PostgresDatastore, statement_timeout: int) -> None:
    """Give every connection of ``datastore`` its lock and statement timeouts.

    The library's factory builds its ``PostgresDatastore`` by name inside its
    constructor, from settings it parses into local variables: it offers no
    way to choose the class or to build the datastore ourselves. Specialising
    the object it built keeps every setting the factory parsed (rebuilding
    one would copy each, and drop any a later version adds). Its pool is not
    open yet, so each connection it makes starts with the options.
    """
    datastore.__class__ = BoundedPostgresDatastore
    assert isinstance(datastore, BoundedPostgresDatastore)
    datastore.statement_timeout = statement_timeout
    options = [f"-c lock_timeout={datastore.lock_timeout}s",
               f"-c statement_timeout={statement_timeout}s"]
    kwargs = datastore.pool.kwargs
    assert isinstance(kwargs, dict)
    kwargs["options"] = " ".join(options)
