"""What a read model declares: its tables, the events it reads, and a signature of both.

Every read model module ends with one ``MODEL``; the view runs their handlers,
and a store records which signature each model's tables were built with, so a
model that is new, or whose tables or handlers changed, is rebuilt from the
log (``projections.rebuild``) instead of being read half-filled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from projections.batch import Batch
from projections.stored import EventData

Handler = Callable[[Batch, EventData], None]


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

    @property
    def signature(self) -> str:
        """Changes when the tables' definitions or the version change."""
        text = "\n".join((*self.statements, *self.query_indexes))
        return f"{self.version}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"
