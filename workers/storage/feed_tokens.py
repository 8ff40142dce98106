"""Feed tokens: the revocable secrets in an agency's ICS feed address.

A calendar program sends no session and no header, only the URL it was given;
so the URL carries a token of its own kind (``feed``) that reads one agency's
due dates and nothing else. It is a token of the credential store like the
others (only its SHA-256 kept, an expiry, revoked by ``cabinet user token
revoke ID`` or from the due-date page), issued by an account, and bound here
to the agency whose feed it reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from projections.sql import Cursor

if TYPE_CHECKING:  # the credential store makes this module's tables: no import cycle
    from workers.storage.credentials import CredentialStore, IssuedToken, TokenRecord

FEEDS = "cred_feeds"
STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {{p}}{FEEDS} (
        token_id TEXT PRIMARY KEY, agency TEXT NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {FEEDS}_agency ON {{p}}{FEEDS} (agency)",
)
FEED_HOURS = 24 * 366 * 2
"""A subscription lasts: two years unless revoked, then a new address is issued."""


class FeedTokens:
    """``web.ics.FeedTokens`` over the credential store: issue, resolve, list."""

    def __init__(self, credentials: CredentialStore) -> None:
        self.credentials = credentials

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Cursor]:
        with self.credentials.datastore.transaction(commit=commit) as raw:
            yield Cursor(raw, self.credentials.dialect)

    def issue(self, username: str, agency: str, *, hours: int | None = None,
              label: str = "") -> IssuedToken:
        """A feed token issued by ``username`` reading ``agency``'s feed (a checked code)."""
        issued = self.credentials.issue(username, "feed", hours=hours or FEED_HOURS,
                                        label=label or f"ICS feed of {agency}")
        with self._cursor(commit=True) as cursor:
            cursor.execute(f"INSERT INTO {{p}}{FEEDS} (token_id, agency) VALUES (?, ?)",
                           (issued.token_id, agency))
        return issued

    def feed_agency(self, token: str) -> str | None:
        """The agency a live feed token reads; None if unknown, expired, revoked or not a
        feed token."""
        record = self.credentials.resolve(token, "feed")
        if record is None:
            return None
        with self._cursor(commit=False) as cursor:
            found = cursor.execute(f"SELECT agency FROM {{p}}{FEEDS} WHERE token_id = ?",
                                   (record.token_id,)).fetchone()
        return str(found["agency"]) if found else None

    def live(self, agency: str) -> list[TokenRecord]:
        """The agency's feed tokens not revoked (expired ones included, marked by date)."""
        with self._cursor(commit=False) as cursor:
            rows = cursor.execute(
                f"SELECT t.* FROM {{p}}cred_tokens t JOIN {{p}}{FEEDS} f "
                "ON f.token_id = t.token_id WHERE f.agency = ? AND t.revoked_at IS NULL "
                "ORDER BY t.created_at", (agency,)).fetchall()
        from workers.storage.credentials import record_of

        return [record_of(row) for row in rows]

    def agency_of(self, token_id: str) -> str | None:
        """The agency a feed token (by its public id) reads; None if it is no feed token."""
        with self._cursor(commit=False) as cursor:
            found = cursor.execute(f"SELECT agency FROM {{p}}{FEEDS} WHERE token_id = ?",
                                   (token_id,)).fetchone()
        return str(found["agency"]) if found else None
