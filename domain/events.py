"""Base classes for the register's aggregates and their events.

Events are frozen pydantic models: they validate what they carry, serialise
to JSON in pydantic's Rust core, and decode straight from stored bytes.
Every event names the document it rests on and the agency that acted.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import get_topic
from pydantic import BaseModel, ConfigDict


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    """When the register recorded the event (the recorded-time axis)."""


class RegisterAggregate(Aggregate):
    class Event(DomainEvent, CanMutateAggregate[UUID]):
        pass

    class Created(Event, CanInitAggregate[UUID]):
        originator_topic: str

    @classmethod
    def _create(cls, event_class: Any, *, id: UUID | None = None,
                **kwargs: Any) -> Any:
        """Start a new aggregate from its created event.

        The library's general path inspects signatures and filters keyword
        arguments for every aggregate it creates, which cost more than the
        rest of recording a small one. These aggregates take no constructor
        arguments and set their state in ``apply``, so starting one is just
        that. (Loading one from its events still goes the library's way.)
        """
        assert id is not None, "register aggregates are created with their natural-key id"
        timestamp = kwargs.pop("timestamp")
        event = event_class(originator_id=id, originator_version=cls.INITIAL_VERSION,
                            timestamp=timestamp, originator_topic=_topic(cls), **kwargs)
        aggregate = cls.__new__(cls)
        aggregate.__base_init__(id, cls.INITIAL_VERSION, timestamp)
        event.apply(aggregate)
        aggregate.pending_events.append(event)
        return aggregate


    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """A copy that shares what cannot change.

        The repository hands out a deep copy of each cached aggregate, so a
        command that fails leaves the cache untouched. The register's
        aggregates keep immutable values (frozen models, ids, dates, strings)
        in a few containers: copying the containers is enough, and much
        cheaper than walking every model.
        """
        twin = type(self).__new__(type(self))
        for name, value in self.__dict__.items():
            twin.__dict__[name] = _copy_container(value, memo)
        return twin


def _immutable(value: Any) -> bool:
    return isinstance(value, _IMMUTABLE) or (
        isinstance(value, BaseModel) and bool(value.model_config.get("frozen")))


def _copy_container(value: Any, memo: dict[int, Any]) -> Any:
    if _immutable(value):
        return value
    if isinstance(value, dict) and all(_immutable(v) for v in value.values()):
        return dict(value)
    if isinstance(value, set):
        return set(value)
    if isinstance(value, list) and all(_immutable(v) for v in value):
        return list(value)
    return copy.deepcopy(value, memo)


# Tuples here hold frozen models: the register keeps no mutable value in one.
_IMMUTABLE = (str, int, float, bool, type(None), UUID, datetime, date, tuple, frozenset)


@cache
def _topic(cls: type) -> str:
    return get_topic(cls)
