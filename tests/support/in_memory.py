"""The register on the library's in-memory store, for rule tests that run in milliseconds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.process.steps import Draft
from domain.register.application import Register
from domain.register.records import ProposalRecord, ResolutionRecord
from workers.settings import STORED_FORM

IN_MEMORY = {**STORED_FORM, "PERSISTENCE_MODULE": "eventsourcing.popo"}


def log_length(system: Any) -> int:
    """How many events the register's log holds (a RegisterSystem's)."""
    return int(system.register.recorder.max_notification_id() or 0)


def in_memory_register() -> Register:
    return Register(env=dict(IN_MEMORY))


def with_history(resolutions: Iterable[ResolutionRecord]) -> Register:
    """An in-memory register holding these earlier resolutions."""
    app = in_memory_register()
    for resolution in resolutions:
        app.record_resolution(resolution)
    return app


def take_steps(register: Register, proposal: ProposalRecord, until: int | None = None) -> str:
    """Record the proposal's steps (up to, not including, ``until``); its workflow id."""
    for index, taken in enumerate(proposal.steps[:until]):
        if isinstance(taken.step, Draft):
            register.draft_proposal(proposal.workflow_id, taken.step, taken.actor,
                                    step_id=proposal.step_id(index))
        else:
            register.take_step(proposal.workflow_id, taken.step, taken.actor,
                               step_id=proposal.step_id(index))
    return proposal.workflow_id
