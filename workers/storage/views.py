"""The register's views on one of the library's tracking recorders.

``RegisterView`` (projections/view.py) writes rows and their position the same
way on every database; how the position is written and read inside its
transaction is the library's, here, for both databases at once.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from projections.view import RegisterView


class DatabaseView(RegisterView):
    """Mixed in before the library's SQLite or PostgreSQL tracking recorder."""

    _forget_position: Any
    """In the database's own form: delete an application's tracked position."""

    def reset_position(self, raw: Any, application_name: str, to: int) -> None:
        """Move the position back to ``to`` (the library only ever moves it forward)."""
        raw.execute(self._forget_position, (application_name,))
        if to:
            self._record_position(raw, Tracking(application_name, to))

    def _record_position(self, raw: Any, tracking: Tracking) -> None:
        self._insert_tracking(raw, tracking)  # type: ignore[attr-defined]

    def _read_position(self, raw: Any, application_name: str) -> int | None:
        found = self._max_tracking_id(application_name, raw)  # type: ignore[attr-defined]
        return None if found is None else int(found)
