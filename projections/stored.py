"""Events as the read side sees them: the stored JSON, as plain data.

The register validated every event on its way in, and the chain guards the
stored bytes, so the views read the JSON as it is instead of rebuilding
validated models: a fraction of the cost when a replay reads every event.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

from projections.sql import moment

EventData = dict[str, Any]

# The topics events are stored under, as ``domain.events.stored_as`` pins them:
# read models name the events they read by these, so that opening the views to
# answer a question imports no aggregate (tests/projections check each name
# against its class).
RESOLUTION = "domain.resolution:Resolution."
HOLIDAY_BOOK = "domain.directories:HolidayBook."
AGENCY_DIRECTORY = "domain.directories:AgencyDirectory."
PROPOSAL = "domain.proposal:Proposal."
REFUSAL_LOG = "domain.proposal:RefusalLog."
ACCOUNT_GRANTS = "domain.accounts:AccountGrants."


def stored_data(mapper: Mapper[Any], stored: StoredEvent) -> EventData:
    state = stored.state
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    data: EventData = orjson.loads(state)
    event_class = _versioned(stored.topic)
    if event_class is None:
        return data
    from domain.events import current_shape  # only for events whose shape has changed

    return current_shape(event_class, data)


@lru_cache(maxsize=256)
def _versioned(topic: str) -> type | None:
    """The event class of a topic whose shape has changed since version 1, else None."""
    event_class: type = resolve_topic(topic)
    return event_class if getattr(event_class, "class_version", 1) > 1 else None


@lru_cache(maxsize=8192)
def moment_of(text: str) -> str:
    """A stored timestamp in the views' fixed-width, sortable form."""
    return moment(datetime.fromisoformat(text))


def source_text(source: dict[str, Any]) -> str:
    """The document as people cite it: its number, or what it was and when."""
    if source.get("number"):
        return str(source["number"])
    what = "cabinet meeting" if source["kind"] == "meeting" else source["kind"]
    return f"{what} of {source['date']} ({source['issuer']})"


def item_ref(ref: dict[str, Any]) -> str:
    return f"resolution of {ref['meeting_date']}, item {ref['item']}"
