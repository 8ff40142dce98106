"""Reading the obligations read model: which obligations bind whom, on a date, as recorded when.

An agency's answer runs to thousands of rows, so a row is a plain named tuple
(built in a fraction of the time a validated model takes) whose JSON shape,
``ObligationJson``, pydantic knows: answer models hold these rows as they
come from the database, dump them in the documented shape, and describe that
shape in their JSON Schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

import orjson
from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema
from typing_extensions import TypedDict

from domain.paperwork.agencies import ALL
from projections.jsontypes import IsoDate, IsoMoment
from projections.sql import OPEN_DATE, OPEN_MOMENT, Cursor, day, moment

TABLE = "reg_obligations"


class ObligationJson(TypedDict):
    """One obligation in force, as ``cabinet obligations --json`` prints it."""

    resolution: IsoDate
    resolution_id: str
    subject: str
    clause: str
    obligation: int
    bearer: str
    summary: str
    action: str | None
    recipient: str | None
    system: str | None
    recurrence: dict[str, Any]
    in_force_from: IsoDate
    in_force_until: IsoDate | None
    ended_how: str | None
    ended_by: str | None
    source: str
    recorded_at: IsoMoment
    """When this version of the obligation was recorded."""
    version: int
    retroactive: bool
    """This version began, or ended, before the meeting of the resolution that made it so."""


_ENDED_BY = re.compile(r"resolution of (\S+), item (.+)")


class ObligationRow(NamedTuple):
    """One obligation in force: plain data; what it says is decoded when read."""

    resolution: str
    resolution_id: str
    clause: str
    version: int
    obligation: int
    bearer: str
    in_force_from: str
    in_force_until: str | None
    recorded_at: str
    source: str
    ended_how: str | None
    ended_by_date: str | None
    ended_by_item: str | None
    details_json: bytes
    """What it says, as the view holds it: JSON, handed over as bytes (decoding the text
    of thousands of rows a question costs more than reading them)."""

    @property
    def details(self) -> dict[str, Any]:
        return dict(orjson.loads(self.details_json))

    @property
    def summary(self) -> str:
        return str(self.details["summary"])

    @property
    def recurrence(self) -> dict[str, Any]:
        return dict(self.details["recurrence"])

    @property
    def ended_by(self) -> str | None:
        if self.ended_how is None:
            return None
        return f"resolution of {self.ended_by_date}, item {self.ended_by_item}"

    @property
    def retroactive(self) -> bool:
        """Whether the change that began or ended this version took effect before its meeting.

        The end is the row's own; the beginning is told by ``obligation_versions.told``.
        """
        if self.details.get("retroactive"):
            return True
        return (self.in_force_until is not None and self.ended_by_date is not None
                and self.in_force_until < self.ended_by_date)

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.resolution_id, self.clause, self.version, self.obligation)

    def __getitem__(self, key: Any) -> Any:
        # By name as well as by position, for callers written when rows were dicts
        # (the register benchmark); new code reads attributes.
        if not isinstance(key, str):
            return tuple.__getitem__(self, key)
        if key in self._fields or key in ("details", "summary", "recurrence", "ended_by",
                                          "retroactive"):
            return getattr(self, key)
        return self.details[key]

    def as_json(self) -> ObligationJson:
        details = self.details
        return {
            "resolution": self.resolution, "resolution_id": self.resolution_id,
            "subject": details["subject"], "clause": self.clause,
            "obligation": self.obligation, "bearer": self.bearer,
            "summary": details["summary"], "action": details["action"],
            "recipient": details["recipient"], "system": details["system"],
            "recurrence": details["recurrence"], "in_force_from": self.in_force_from,
            "in_force_until": self.in_force_until, "ended_how": self.ended_how,
            "ended_by": self.ended_by, "source": self.source,
            "recorded_at": self.recorded_at, "version": self.version,
            "retroactive": self.retroactive,
        }

    @classmethod
    def from_json(cls, data: ObligationJson) -> ObligationRow:
        found = _ENDED_BY.fullmatch(data["ended_by"] or "")
        details = {"summary": data["summary"], "action": data["action"],
                   "recipient": data["recipient"], "system": data["system"],
                   "recurrence": data["recurrence"], "subject": data["subject"],
                   "retroactive": data["retroactive"]}
        return cls(data["resolution"], data["resolution_id"], data["clause"], data["version"],
                   data["obligation"], data["bearer"], data["in_force_from"],
                   data["in_force_until"], data["recorded_at"], data["source"],
                   data["ended_how"], found.group(1) if found else None,
                   found.group(2) if found else None, orjson.dumps(details))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        shape = handler(ObligationJson)
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(cls.from_json, shape),
            python_schema=core_schema.is_instance_schema(cls),
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls.as_json, return_schema=shape))


_row: Callable[[tuple[Any, ...]], ObligationRow] = partial(tuple.__new__, ObligationRow)
"""A row from a database tuple: ``ObligationRow._make`` without its Python frame per row."""

READING_ORDER: Callable[[ObligationRow], tuple[Any, ...]] = attrgetter(
    "resolution", "resolution_id", "clause", "obligation")
"""The order people read them in: by resolution, clause and obligation."""


def by_resolution(rows: list[ObligationRow]) -> list[ObligationRow]:
    """``rows`` in reading order, sorted in place.

    The rows' own tuple order is the reading order here: it runs resolution,
    id, clause, version, obligation, and at one date and one moment a clause
    has one version in force. Comparing the tuples themselves skips building
    a key per row, which is most of the cost of sorting an agency's answer.
    """
    rows.sort()
    return rows


_DETAILS_AS_BYTES = {"sqlite": "CAST(o.details AS BLOB)",
                     "postgres": "convert_to(o.details, 'UTF8')"}
"""The details column's UTF-8 bytes, on each database: no text decoded per row."""

_SELECTS = {dialect: (
    "SELECT o.meeting_date, o.resolution_id, o.clause, o.clause_version, o.obligation_no, "
    "o.bearer, o.eff_from, NULLIF(o.eff_until, ?), o.rec_from, o.source, o.ended_how, "
    f"o.ended_by_date, o.ended_by_item, {details} FROM {{p}}{TABLE} o WHERE "
) for dialect, details in _DETAILS_AS_BYTES.items()}


def select(cursor: Cursor) -> str:
    """The start of a SELECT of whole rows (``o``) in ``ObligationRow``'s order; the
    first parameter is ``OPEN_DATE``."""
    return _SELECTS[cursor.dialect.name]


Telling = Callable[[Cursor, list[ObligationRow]], list[ObligationRow]]
"""What says of rows what their own columns do not (``obligation_versions.told``)."""


class SharedRows(Protocol):
    """Rows every agency's answer holds, kept in memory by the view
    (``shared_duties.SharedDuties``) and lent to its readers under this key."""

    def rows_on(self, cursor: Cursor, on: str, as_recorded: str | None, *,
                told: bool) -> list[ObligationRow]:
        """Those in force on ``on`` as recorded at ``as_recorded`` (now, if None), as of
        ``cursor``'s read transaction; told, or as their columns say."""
        ...


def in_force(cursor: Cursor, on: date, *, agency: str | None = None,
             as_recorded: datetime | None = None, tell: Telling | None = None
             ) -> list[ObligationRow]:
    """Obligations binding ``agency`` (or anyone) on ``on``, as the register held at a moment.

    In the index's order: bearer, then effective date; an agency's own duties
    come sorted in reading order, followed by those binding all agencies
    (nearly all in reading order), so that ``by_resolution`` mostly merges
    runs instead of sorting. With ``tell``
    (``obligation_versions.told``), every row comes told: those read here are
    told now, the shared duties held in memory were told when they were read.
    """
    shared: SharedRows | None = (
        cursor.context.get(SharedRows) if agency not in (None, ALL) else None)
    conditions = ["o.eff_from <= ?", "o.eff_until > ?"]
    params: list[Any] = [OPEN_DATE, day(on), day(on)]
    if agency is not None:
        bearers = (agency,) if shared is not None else (agency, ALL)
        conditions.insert(0, f"o.bearer IN ({', '.join('?' for _ in bearers)})")
        params[1:1] = bearers
    conditions += recorded_at(as_recorded, params, alias="o")
    rows = cursor.execute(select(cursor) + " AND ".join(conditions), params).plain_tuples()
    own = list(map(_row, rows))
    if tell is not None:
        own = tell(cursor, own)
    if shared is None:
        return own
    own.sort()
    return own + shared.rows_on(cursor, day(on), moment(as_recorded) if as_recorded else None,
                                told=tell is not None)


def changed_around(cursor: Cursor, on: date, reach: timedelta, *, agency: str | None = None,
                   as_recorded: datetime | None = None) -> list[ObligationRow]:
    """Versions that ended within ``reach`` before ``on`` (on it included), and amended
    versions that begin within ``reach`` after it: a period can straddle their change."""
    conditions = ["((o.eff_until <= ? AND o.eff_until > ?) "
                  "OR (o.eff_from > ? AND o.eff_from <= ? AND o.clause_version > 1))"]
    params: list[Any] = [OPEN_DATE, day(on), day(on - reach), day(on), day(on + reach)]
    if agency is not None:
        conditions.insert(0, "o.bearer IN (?, ?)")
        params[1:1] = (agency, ALL)
    conditions += recorded_at(as_recorded, params, alias="o")
    rows = cursor.execute(select(cursor) + " AND ".join(conditions), params).plain_tuples()
    return list(map(_row, rows))


def recorded_at(as_recorded: datetime | None, params: list[Any], *, alias: str) -> list[str]:
    """Conditions for "as the register held it at ``as_recorded``" (now, if None)."""
    if as_recorded is None:
        params.append(OPEN_MOMENT)
        return [f"{alias}.rec_until = ?"]
    when = moment(as_recorded)
    params += [when, when]
    return [f"{alias}.rec_from <= ?", f"{alias}.rec_until > ?"]
