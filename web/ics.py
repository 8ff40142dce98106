"""An agency's due dates as an iCalendar feed (RFC 5545) a calendar program subscribes to.

The feed is a rendering of a query answer (``projections.queries.due.DueCalendar``),
as a page is: it belongs with the pages, not with the query layer, which
answers in pydantic models and knows no wire format. ``render_calendar`` is
pure (the answer and the moment of rendering in, the text out), so the same
answer always gives the same text but for ``DTSTAMP``.

Each period is an all-day event on its deadline (after the holiday rule);
its description gives the last day by the count and the rule that moved it.
An event's UID is derived from the obligation and the period, so a calendar
program updates an entry when its deadline moves (a holiday declared later)
instead of adding a second one.

The feed is read without a session (calendar programs send none), so its
URL carries a token: ``agency_of_feed_token`` is the one check, and it asks
the identity store (``FeedTokens``) which agency a token may read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from domain.paperwork.thai_dates import format_thai_date
from projections.due import DueRow
from projections.queries.due import DueCalendar, due_between, period_key
from projections.queries.reading import Source
from web.authentication import Unauthenticated

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODUCT = "-//Cabinet Register//Due dates//TH"
UID_DOMAIN = "cabinet-register"
LINE_OCTETS = 75
"""RFC 5545 §3.1: lines longer than this are folded (CRLF, then one space)."""
FEED_MONTHS = 12


def render_calendar(answer: DueCalendar, *, generated_at: datetime) -> str:
    """The answer's owed periods as a VCALENDAR of all-day VEVENTs, CRLF-terminated."""
    who = answer.agency or "ทุกหน่วยงาน"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_text(f'กำหนดส่งงานตามมติ ครม. — {who}')}",
             "X-WR-TIMEZONE:Asia/Bangkok"]
    stamp = generated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for row in answer.due:
        if row.owed:  # a rescinded duty's last period is not owed: no entry
            lines += _event(row, stamp)
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))


def event_uid(row: DueRow) -> str:
    """Stable per obligation and period: the same entry however often the feed is read."""
    digest = hashlib.sha256("\x1f".join(period_key(row)).encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _event(row: DueRow, stamp: str) -> list[str]:
    deadline = date.fromisoformat(row.deadline)
    due = date.fromisoformat(row.due)
    meeting = date.fromisoformat(row.resolution)
    description = [f"ครบกำหนดตามการนับ (ป.พ.พ. มาตรา ๑๙๓/๓): {format_thai_date(due)}",
                   f"วันสุดท้ายที่ส่งได้: {format_thai_date(deadline)}"]
    if row.moved_by:
        description.append(f"เลื่อนเพราะวันหยุด (ป.พ.พ. มาตรา ๑๙๓/๘): {row.moved_by}")
    description += [f"งวด: {row.period}", f"ผู้มีหน้าที่: {row.bearer}"
                    + (f" → {row.recipient}" if row.recipient else ""),
                    f"ตามมติคณะรัฐมนตรี {format_thai_date(meeting)} ข้อ {row.clause} "
                    f"({row.source})", f"{row.summary}"]
    return [
        "BEGIN:VEVENT",
        f"UID:{event_uid(row)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{deadline:%Y%m%d}",
        f"DTEND;VALUE=DATE:{deadline + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(f'ครบกำหนดส่ง: {row.summary} (มติ ครม. ข้อ {row.clause})')}",
        f"DESCRIPTION:{_text(chr(10).join(description))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 §3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> Iterable[str]:
    """The line in pieces of at most 75 octets, never splitting a character's UTF-8 bytes;
    every piece after the first starts with the space that marks a continuation."""
    limit = LINE_OCTETS
    piece: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            yield "".join(piece)
            piece, size, limit = [" "], 1, LINE_OCTETS
        piece.append(char)
        size += octets
    yield "".join(piece)


# --- the feed behind its token ----------------------------------------------------------


class FeedTokens(Protocol):
    """The identity store's part in feeds: which agency a feed token may read.

    A feed token is an API token of the identity store (``workers/storage/
    credentials.py``) issued for reading one agency's feed; revoking it there
    stops the feed.
    """

    def feed_agency(self, token: str) -> str | None:
        """The agency a live feed token was issued for; None if unknown or revoked."""


def agency_of_feed_token(tokens: FeedTokens, token: str | None, agency: str) -> str:
    """The one check before a feed is sent: the token must be live and be for ``agency``.

    Refused alike (401, as every bad credential is) whatever was wrong.
    """
    granted = tokens.feed_agency(token) if token else None
    if granted is None or granted != agency:
        raise Unauthenticated("a valid feed token for this agency is required")
    return granted


def agency_feed(source: Source, agency: str, *, start: date, generated_at: datetime,
                months: int = FEED_MONTHS) -> str:
    """The feed's text: ``agency``'s deadlines from ``start`` for ``months`` months."""
    end = _months_later(start, months)
    return render_calendar(due_between(source, start, end, agency=agency),
                           generated_at=generated_at)


def _months_later(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")
