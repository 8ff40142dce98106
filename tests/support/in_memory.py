"""The register on the library's in-memory store, for rule tests that run in milliseconds."""

from __future__ import annotations

from domain.register.application import Register
from workers.settings import STORED_FORM

IN_MEMORY = {**STORED_FORM, "PERSISTENCE_MODULE": "eventsourcing.popo"}


def in_memory_register() -> Register:
    return Register(env=dict(IN_MEMORY))
