"""What a read model declares: its tables, the events it reads, and a signature of both.

Every read model module ends with one ``MODEL``; the view runs their handlers,
and a store records which signature each model's tables were built with, so a
model that is new, or whose tables or handlers changed, is rebuilt from the
log (``projections.rebuild``) instead of being read half-filled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from projections.batch import Batch
from projections.stored import EventData

Handler = Callable[[Batch, EventData], None]


class LazyHandlers(Mapping[str, Handler]):
    """A model's handlers, built the first time they are asked for.

    For a model whose handlers need the domain's rules: a process that only
    reads the views (a register query) never loads them.
    """

    def __init__(self, build: Callable[[], Mapping[str, Handler]], *, topics_from: str) -> None:
        self._build = build
        self.topics_from = topics_from
        """The topic prefix of every event these handlers read (told without building them)."""

    @cached_property
    def _handlers(self) -> Mapping[str, Handler]:
        return self._build()

    def __getitem__(self, topic: str) -> Handler:
        return self._handlers[topic]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)


@dataclass(frozen=True)
class ReadModel:
    name: str
    """What ``cabinet rebuild --model`` calls it."""
    tables: tuple[str, ...]
    """The tables it owns; a rebuild drops and recreates them."""
    statements: tuple[str, ...]
    """``CREATE TABLE``/``CREATE INDEX`` statements its handlers need."""
    handlers: Mapping[str, Handler]
    """By event topic."""
    query_indexes: tuple[str, ...] = ()
    """Indexes that serve questions, not the handlers: a scratch rebuild does without."""
    version: int = 1
    """Raise it when the handlers change what they write for the same events."""
    description: str = field(default="", compare=False)

    def may_read(self, topic: str) -> bool:
        """Whether the handlers may read this topic (lazy ones answer by their prefix)."""
        if isinstance(self.handlers, LazyHandlers):
            return topic.startswith(self.handlers.topics_from)
        return topic in self.handlers

    @property
    def signature(self) -> str:
        """Changes when the tables' definitions or the version change."""
        text = "\n".join((*self.statements, *self.query_indexes))
        return f"{self.version}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"
