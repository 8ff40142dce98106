"""Read model: what staff search for, by substring: subjects, clauses, letter numbers.

Thai is written without spaces between words, so words cannot be indexed
one by one; both databases index the text by trigrams instead, and answer
``LIKE '%…%'`` from that index: SQLite with an FTS5 table and its ``trigram``
tokenizer, PostgreSQL with ``pg_trgm``'s GIN operator class. The text is
stored normalised (``domain.paperwork.search_text``: Arabic digits, lower
case, one space) in ``body``, beside the text as written (``shown``) for the
answer; every letter number is also stored in its one spelling, so a number
typed with either digits and any spacing finds the letter.

One row per thing found: a resolution (its subject and source), each clause
version (its summary and text; an amendment adds the new version's), and
each circular that notified a resolution.
"""

from __future__ import annotations

from typing import Any, Literal

from domain.paperwork.search_text import normalise, number_spelling
from projections.batch import Batch
from projections.jsontypes import IsoDate, Row
from projections.model import ReadModel
from projections.resolutions import TABLE as RESOLUTIONS
from projections.sql import ONLY, Cursor
from projections.stored import RESOLUTION, EventData

TABLE = "reg_search"
COLUMNS = ("hit_key", "kind", "resolution_id", "meeting_date", "subject", "clause",
           "letter_number", "shown", "body")

TABLES = [
    # FTS5 rows carry no types; every column but the body is only carried along.
    f"""{ONLY["sqlite"]}CREATE VIRTUAL TABLE IF NOT EXISTS {{p}}{TABLE} USING fts5(
        {', '.join(f'{c} UNINDEXED' for c in COLUMNS[:-1])}, body, tokenize = 'trigram')""",
    f"""{ONLY["postgres"]}CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        hit_key TEXT NOT NULL, kind TEXT NOT NULL, resolution_id TEXT NOT NULL,
        meeting_date TEXT NOT NULL, subject TEXT NOT NULL, clause TEXT, letter_number TEXT,
        shown TEXT NOT NULL, body TEXT NOT NULL)""",
]

QUERY_INDEXES = [
    # pg_trgm is a trusted extension (PostgreSQL 13 and later): the register's own
    # user may create it in its database, and it is there once for every schema.
    f'{ONLY["postgres"]}CREATE EXTENSION IF NOT EXISTS pg_trgm',
    f"{ONLY['postgres']}CREATE INDEX IF NOT EXISTS {TABLE}_body ON {{p}}{TABLE} "
    "USING gin (body gin_trgm_ops)",
]

_INSERT = (f"INSERT INTO {{p}}{TABLE} ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in COLUMNS)})")

Kind = Literal["resolution", "clause", "document"]
_RANK: dict[Kind, int] = {"resolution": 0, "clause": 1, "document": 2}


def _clause_order(number: str) -> str:
    """A clause number that sorts as text the way clauses are read (2 before 10)."""
    return ".".join(part.zfill(6) if part.isdigit() else part for part in number.split("."))


def _key(resolution_id: str, kind: Kind, tail: str = "") -> str:
    return f"{resolution_id}:{_RANK[kind]}:{tail}"


def _body(*texts: str | None, number: str | None = None) -> str:
    spelling = number_spelling(number) if number else ""
    return normalise("\n".join(t for t in (*texts, number, spelling) if t))


def on_recorded(batch: Batch, event: EventData) -> None:
    rid, meeting, subject = event["originator_id"], event["meeting_date"], event["subject"]
    source = event["source"]
    number = source.get("number")
    batch.insert(_INSERT, (_key(rid, "resolution"), "resolution", rid, meeting, subject, None,
                           number, subject, _body(subject, source.get("title"), number=number)))
    for clause in event["clauses"]:
        shown = clause.get("text") or clause["summary"]
        batch.insert(_INSERT, (
            _key(rid, "clause", f"{_clause_order(clause['number'])}:1"), "clause", rid,
            meeting, subject, clause["number"], None, shown,
            _body(clause["summary"], clause.get("text"))))


def _resolution(batch: Batch, resolution_id: str) -> dict[str, Any]:
    found = batch.execute(f"SELECT meeting_date, subject FROM {{p}}{RESOLUTIONS} "
                          "WHERE resolution_id = ?", (resolution_id,)).fetchone()
    if found is None:
        raise LookupError(f"no resolution {resolution_id} to index")
    return found


def on_amended(batch: Batch, event: EventData) -> None:
    if not (event.get("text") or event.get("summary")):
        return  # only the obligations changed: no new words to find
    rid = event["originator_id"]
    held = _resolution(batch, rid)
    version = event["originator_version"]
    batch.insert(_INSERT, (
        _key(rid, "clause", f"{_clause_order(event['clause'])}:{version}"), "clause", rid,
        held["meeting_date"], held["subject"], event["clause"], None,
        event.get("text") or event["summary"], _body(event.get("summary"), event.get("text"))))


def on_notice(batch: Batch, event: EventData) -> None:
    rid = event["originator_id"]
    held = _resolution(batch, rid)
    notice = event["notice"]
    number = notice.get("number")
    shown = notice.get("title") or number or held["subject"]
    batch.insert(_INSERT, (
        _key(rid, "document", str(event["originator_version"])), "document", rid,
        held["meeting_date"], held["subject"], None, number, shown,
        _body(notice.get("title"), notice.get("note"), *event["recipients"], number=number)))


MODEL = ReadModel(
    name="search", tables=(TABLE,), statements=tuple(TABLES),
    query_indexes=tuple(QUERY_INDEXES),
    handlers={
        RESOLUTION + "Recorded": on_recorded,
        RESOLUTION + "ClauseAmended": on_amended,
        RESOLUTION + "NoticeRecorded": on_notice,
    },
    description="subjects, clause texts and letter numbers, for search by substring")


class SearchRow(Row):
    hit_key: str
    kind: Kind
    resolution_id: str
    meeting_date: IsoDate
    subject: str
    clause: str | None
    letter_number: str | None
    shown: str


def find(cursor: Cursor, needle: str, *, after: tuple[str, str] | None = None,
         limit: int | None = None) -> list[SearchRow]:
    """Rows whose normalised text holds ``needle`` (normalised): newest meeting first.

    ``after`` is the (meeting date, key) of the last row of the previous page.
    """
    # LIKE's wildcards typed in a query are taken as wildcards: they only widen it.
    params: list[Any] = [f"%{needle}%"]
    where = "body LIKE ?"
    if after is not None:
        where += " AND (meeting_date < ? OR (meeting_date = ? AND hit_key > ?))"
        params += [after[0], after[0], after[1]]
    statement = (f"SELECT {', '.join(SearchRow.model_fields)} FROM {{p}}{TABLE} "
                 f"WHERE {where} ORDER BY meeting_date DESC, hit_key")
    if limit is not None:
        statement += " LIMIT ?"
        params.append(limit)
    return [SearchRow.model_validate(row)
            for row in cursor.execute(statement, params).fetchall()]


def clause_texts(cursor: Cursor, resolution_id: str) -> dict[tuple[str, int], str]:
    """Each clause version's words as recorded (its text, or its summary where it has no
    text), by clause number and version: the recorded clauses are version 1, an amendment
    that changed the words is the resolution's version it made."""
    rows = cursor.execute(f"SELECT hit_key, clause, shown FROM {{p}}{TABLE} "
                          "WHERE resolution_id = ? AND kind = 'clause'",
                          (resolution_id,)).fetchall()
    return {(row["clause"], int(row["hit_key"].rsplit(":", 1)[1])): row["shown"]
            for row in rows}
