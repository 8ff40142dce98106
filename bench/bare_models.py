"""Payloads of the bare baseline workflow (bench/bare_workflow.py).

Kept out of the workflow's own module and imported through the sandbox's
pass-through, as the project's workflow imports ``workflows.contracts``: the
sandbox re-imports a workflow's module for every run, and rebuilding pydantic
classes each time would charge the baseline a cost the real workflow does not
pay.

The request carries the same step as the real update (its JSON, decoded as a
plain dict), so the same bytes cross the wire, but no domain validation runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BareStart(_Model):
    workflow_id: str
    actor: str
    draft: dict[str, Any]


class BareRequest(_Model):
    actor: str
    step: dict[str, Any]


class BareResult(_Model):
    stage: str
    next_to_act: str
    recorded: bool


class BareOutcome(_Model):
    workflow_id: str
    outcome: str | None
    steps: int
