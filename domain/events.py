"""Base classes for the register's aggregates and their events.

Events are frozen pydantic models: they validate what they carry, serialise
to JSON in pydantic's Rust core, and decode straight from stored bytes.
Every event names the document it rests on and the agency that acted.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, ClassVar, Self, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, register_topic
from pydantic import BaseModel, ConfigDict


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    TOPIC: ClassVar[str]
    """The name the event is stored under (see ``stored_as``)."""

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
                **kwargs: Any) -> Self:
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


def current_shape(event_class: type, state: dict[str, Any]) -> dict[str, Any]:
    """A stored event's state brought up to its class's current shape.

    The library's convention: a class whose shape changed says ``class_version
    = N`` and has a static method ``upcast_vK_vK+1(state)`` for each step since
    1; a stored state names its version under ``class_version`` (absent: 1).
    Stored events are never rewritten; they are read in today's shape.
    """
    target: int = getattr(event_class, "class_version", 1)
    version = state.pop("class_version", 1)
    while version < target:
        getattr(event_class, f"upcast_v{version}_v{version + 1}")(state)
        version += 1
    return state


AggregateClass = TypeVar("AggregateClass", bound=type[RegisterAggregate])


def stored_as(module: str) -> Callable[[AggregateClass], AggregateClass]:
    """Pin the topics an aggregate and its events are stored under to ``module``.

    A stored event names its class by a topic, which the library derives from
    the module path. Stored events are the legal record and outlive any layout
    of the code, so their names must not follow a module when it moves: each
    aggregate says once where it was first stored from, and that stays its
    name. (The library's explicit ``TOPIC`` attributes, set in one place.)
    """

    def pin(cls: AggregateClass) -> AggregateClass:
        _pin(cls, f"{module}:{cls.__qualname__}")
        for value in list(vars(cls).values()):
            if isinstance(value, type) and issubclass(value, DomainEvent):
                _pin(value, f"{module}:{value.__qualname__}")
        return cls

    return pin


def _pin(cls: type, topic: str) -> None:
    type.__setattr__(cls, "TOPIC", topic)
    register_topic(topic, cls)


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
