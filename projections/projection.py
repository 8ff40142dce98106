"""The register's views as the library's projection, for its runner.

The PostgreSQL projector runs it (``workers.processes``); a process that
reads the views or catches them up itself does not need it.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from projections.view import VIEWS_NAME, RegisterView, topics


class RegisterProjection(Projection[RegisterView]):
    """The library's projection, for its runner (PostgreSQL can push events to it)."""

    name = VIEWS_NAME
    topics = topics()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        # The runner hands over decoded events; the view reads them as stored data.
        # One event at a time: one another projector applied is simply skipped.
        self.view.apply([(get_topic(type(domain_event)),
                          domain_event.model_dump(mode="json"))], tracking)
