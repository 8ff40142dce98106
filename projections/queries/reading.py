"""What every query shares: where answers are read from, current views, answers, pages."""

from __future__ import annotations

import base64
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from domain.errors import InvalidInput
from projections.clauses import TABLE as CLAUSE_TIMELINES
from projections.sql import Cursor, moment

if TYPE_CHECKING:
    # Only named: a question answered from current views loads none of them.
    from domain.register.application import Register
    from projections.audit import ReplayReport
    from projections.runner import Follower
    from projections.view import RegisterView


class ChainReport(Protocol):
    """What a check of the event chain finds (the storage package's verifier reports it)."""

    @property
    def checked(self) -> int: ...

    @property
    def head(self) -> str: ...

    @property
    def problem(self) -> str | None: ...

    @property
    def notification_id(self) -> int | None: ...


class Source(Protocol):
    """What answers are read from; ``workers.bootstrap.RegisterSystem`` is one."""

    view: RegisterView
    follower: Follower

    @property
    def register(self) -> Register: ...

    def known_agencies(self) -> frozenset[str]: ...

    def replay(self, progress: Callable[[int], None] | None = None) -> ReplayReport: ...

    def verify(self) -> ChainReport: ...


@contextmanager
def current(source: Source) -> Iterator[Cursor]:
    """A read transaction on views that hold everything recorded before it began.

    When nothing was recorded since the views last caught up, this costs one
    read of the log's head.
    """
    source.follower.ensure_current()
    with source.view.reading() as cursor:
        yield cursor


class Answer(BaseModel):
    """An answer: what ``--json`` prints and what the API will return, as declared here."""

    # Built on first use: a process builds only the answers it gives.
    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True,
                              validate_by_name=True, validate_by_alias=True, defer_build=True)

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


EMPTY_DOC = ("present only when the register held nothing at the moment asked about "
             "(nothing recorded yet, or nothing as recorded then): why the answer is empty")


def nothing_recorded(cursor: Cursor, as_recorded: datetime | None = None) -> str | None:
    """Why an answer is empty when the register held no resolution at ``as_recorded``
    (now, if None); None when it held one."""
    first = cursor.execute(
        f"SELECT MIN(rec_from) AS first FROM {{p}}{CLAUSE_TIMELINES}").fetchone()
    recorded = first["first"] if first is not None else None
    if recorded is None:
        return "nothing recorded yet: the register holds no resolution (import a file first)"
    if as_recorded is not None and moment(as_recorded) < recorded:
        return (f"nothing recorded as of {as_recorded.isoformat()}: the register's first "
                f"resolution was recorded at {recorded}")
    return None


Moment = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
                   WithJsonSchema({"type": "string", "format": "date-time"})]
"""A moment as it was asked for (its own offset kept), in ISO 8601."""


# --- pages ----------------------------------------------------------------------------

T = TypeVar("T")
NEXT_DOC = "the cursor for the next page (pass it as `after`); absent on the last page"


def page_cursor(key: Sequence[Any]) -> str:
    """An opaque cursor: the key of the last row a page held."""
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def after_key(cursor: str, field: str = "after") -> tuple[Any, ...]:
    try:
        key = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        key = None
    if not isinstance(key, list) or not key:
        raise InvalidInput(f"{cursor!r} is not a cursor this answer gave", field=field)
    return tuple(key)


def check_limit(limit: int | None, field: str = "limit") -> None:
    if limit is not None and limit < 1:
        raise InvalidInput("a page holds at least one row", field=field)


def page(rows: list[T], key: Callable[[T], tuple[Any, ...]], *, after: str | None,
         limit: int | None) -> tuple[list[T], str | None]:
    """One page of ``rows`` (sorted by ``key``): those after the cursor, at most ``limit``."""
    check_limit(limit)
    start = 0
    if after is not None:
        wanted = after_key(after)
        try:
            start = bisect_right(rows, wanted, key=key)
        except TypeError:
            raise InvalidInput(f"{after!r} is not a cursor this answer gave",
                               field="after") from None
    if limit is None and start == 0:
        return rows, None
    end = len(rows) if limit is None else start + limit
    chunk = rows[start:end]
    return chunk, (page_cursor(key(chunk[-1])) if chunk and end < len(rows) else None)
