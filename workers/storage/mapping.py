"""Stored form of the register's events: pydantic's own JSON, bytes in, model out."""

from __future__ import annotations

from typing import Any, cast

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, ProgrammingError, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel

from domain.events import current_shape
from domain.paperwork.fields import STORED

STORED_CONTEXT = {STORED: True}
"""Stored events decode under the rules they were accepted by (see ``STORED``)."""


class PydanticMapper(Mapper[Any]):
    """Serialises events with pydantic's Rust core instead of a dict-and-transcoder pass."""

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        # Straight to bytes (model_dump_json would decode them to str first).
        model = cast(BaseModel, domain_event)
        version: int = getattr(type(model), "class_version", 1)
        if version > 1:  # a changed shape says which it is, for the upcasters of later ones
            state = orjson.dumps({**model.model_dump(mode="json"), "class_version": version})
        else:
            state = type(model).__pydantic_serializer__.to_json(model)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        state = stored_event.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        event_class = resolve_topic(stored_event.topic)
        if getattr(event_class, "class_version", 1) > 1:
            data = current_shape(event_class, orjson.loads(state))
            event = event_class.model_validate(data, context=STORED_CONTEXT)
        else:  # the common case: straight from bytes, inside pydantic's core
            event = event_class.model_validate_json(state, context=STORED_CONTEXT)
        return cast(DomainEventProtocol[Any], event)


class UnusedTranscoder(Transcoder):
    """The library's factory wants a transcoder; pydantic does the encoding instead."""

    def encode(self, obj: Any) -> bytes:
        raise ProgrammingError("events are encoded by PydanticMapper")

    def decode(self, data: bytes) -> Any:
        raise ProgrammingError("events are decoded by PydanticMapper")

    def register(self, transcoding: Any) -> None:
        raise ProgrammingError("events are encoded by PydanticMapper")
