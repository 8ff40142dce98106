"""Failed sign-ins, counted per account and per client address, in the register's database.

Kept in a table, not in memory, so a limit holds across a restart and across
several app processes behind one address. A locked account is refused before
its password is checked, with the same message whether or not the account
exists (the caller's), so the limit reveals nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from projections.sql import Cursor, moment

TABLE = "cred_failures"
STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {{p}}{TABLE} (
        row_id {{serial}}, scope TEXT NOT NULL, subject TEXT NOT NULL, at TEXT NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_subject ON {{p}}{TABLE} (scope, subject, at)",
)
ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class LoginLimits:
    per_account: int = 5
    """Failures an account may have in ``window`` before it is refused for a while."""
    per_address: int = 20
    """Failures one client address may have in ``window`` (guessing across accounts)."""
    window: timedelta = timedelta(minutes=15)

    def exceeded(self, cursor: Cursor, username: str, address: str, now: datetime) -> bool:
        since = moment(now - self.window)
        return (_count(cursor, ACCOUNT, username, since) >= self.per_account
                or _count(cursor, ADDRESS, address, since) >= self.per_address)

    def record_failure(self, cursor: Cursor, username: str, address: str,
                       now: datetime) -> None:
        at = moment(now)
        # Failures older than the window count for nothing: dropped as new ones come.
        cursor.execute(f"DELETE FROM {{p}}{TABLE} WHERE at < ?", (moment(now - self.window),))
        cursor.execute(f"INSERT INTO {{p}}{TABLE} (scope, subject, at) VALUES (?, ?, ?)",
                       (ACCOUNT, username, at))
        cursor.execute(f"INSERT INTO {{p}}{TABLE} (scope, subject, at) VALUES (?, ?, ?)",
                       (ADDRESS, address, at))

    def forget_account(self, cursor: Cursor, username: str) -> None:
        """A correct password clears the account's count (the address's stays)."""
        cursor.execute(f"DELETE FROM {{p}}{TABLE} WHERE scope = ? AND subject = ?",
                       (ACCOUNT, username))


def _count(cursor: Cursor, scope: str, subject: str, since: str) -> int:
    found = cursor.execute(
        f"SELECT COUNT(*) AS n FROM {{p}}{TABLE} WHERE scope = ? AND subject = ? AND at >= ?",
        (scope, subject, since)).fetchone()
    return int(found["n"]) if found else 0
