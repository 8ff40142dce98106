"""An event whose shape changed is read in today's shape; what was stored stays as stored.

The library's convention (``class_version`` and ``upcast_vN_vN+1``), carried by the
register's pydantic mapper and by the views, which read stored JSON directly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import uuid4

import orjson
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.events import RegisterAggregate, stored_as
from projections.stored import stored_data
from workers.storage.mapping import PydanticMapper, UnusedTranscoder


@stored_as("tests.versioning")
class Notebook(RegisterAggregate):
    class NoteAdded(RegisterAggregate.Event):
        """Version 2 says which language the note is in; version 1 notes were all Thai."""

        class_version: ClassVar[int] = 2
        text: str
        language: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["language"] = "th"

        def apply(self, aggregate: Notebook) -> None:
            pass


MAPPER = PydanticMapper(transcoder=UnusedTranscoder())
WHEN = datetime(2021, 11, 9, 3, 0, tzinfo=UTC)


def stored_v1() -> StoredEvent:
    originator = uuid4()
    state = {"originator_id": str(originator), "originator_version": 2,
             "timestamp": WHEN.isoformat(), "text": "บันทึก"}  # as version 1 wrote it
    return StoredEvent(originator_id=originator, originator_version=2,
                       topic="tests.versioning:Notebook.NoteAdded", state=orjson.dumps(state))


def test_a_version_1_event_is_read_in_todays_shape() -> None:
    event = MAPPER.to_domain_event(stored_v1())
    assert isinstance(event, Notebook.NoteAdded)
    assert (event.text, event.language) == ("บันทึก", "th")


def test_a_new_event_is_stored_with_its_version_and_reads_back() -> None:
    event = Notebook.NoteAdded(originator_id=uuid4(), originator_version=2, timestamp=WHEN,
                               text="note", language="en")
    stored = MAPPER.to_stored_event(event)
    assert stored.topic == get_topic(Notebook.NoteAdded) == "tests.versioning:Notebook.NoteAdded"
    assert orjson.loads(stored.state)["class_version"] == 2
    assert MAPPER.to_domain_event(stored) == event


def test_the_views_read_the_old_event_in_todays_shape_too() -> None:
    data = stored_data(MAPPER, stored_v1())
    assert data["language"] == "th"
    assert "class_version" not in data
