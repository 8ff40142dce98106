"""Steps sent whose outcome is not known yet, kept so that a retry reuses their key.

A step's key is its idempotency key: the register and the workflow take a
step once per key. Each command a person types is a new intention and gets
a new key; but when the answer never came (the server died, the network
dropped), running the same command again must be the SAME intention, or a
step the register did record would be taken twice. So the key of a step
sent is kept in the data folder until its outcome is known (recorded, or
refused), and the same command, for the same proposal and as the same actor,
finds it there.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

from domain.permissions import Actor
from domain.process.steps import Step

FILE_NAME = "pending-steps.json"


class PendingSteps:
    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def key_for(self, workflow_id: str, actor: Actor, step: Step) -> str:
        """The key of this command: the one sent before if its outcome is unknown, else new."""
        pending = self._read()
        command = _command(workflow_id, actor, step)
        if command not in pending:
            pending[command] = f"{step.step}-{uuid.uuid4().hex[:24]}"
            self._write(pending)
        return pending[command]

    def settled(self, workflow_id: str, actor: Actor, step: Step) -> None:
        """The command's outcome is known: the next identical command is a new step."""
        pending = self._read()
        if pending.pop(_command(workflow_id, actor, step), None) is not None:
            self._write(pending)

    def _read(self) -> dict[str, str]:
        try:
            loaded = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}

    def _write(self, pending: dict[str, str]) -> None:
        # Written aside and renamed over: a crash leaves the old file or the new, never half.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        aside = self.path.with_suffix(f".{os.getpid()}.tmp")
        aside.write_text(json.dumps(pending, indent=1, sort_keys=True))
        aside.replace(self.path)


def _command(workflow_id: str, actor: Actor, step: Step) -> str:
    typed = "\n".join((workflow_id, str(actor), step.model_dump_json()))
    return hashlib.sha256(typed.encode()).hexdigest()
