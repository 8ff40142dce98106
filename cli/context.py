"""What every command gets: settings, output mode, and the register opened on first use."""

from __future__ import annotations

from dataclasses import dataclass, field

from workers.bootstrap import RegisterSystem, open_register
from workers.settings import Settings


@dataclass
class Context:
    settings: Settings
    json: bool = False
    _system: RegisterSystem | None = field(default=None, repr=False)

    @property
    def system(self) -> RegisterSystem:
        if self._system is None:
            self._system = open_register(self.settings)
        return self._system

    def close(self) -> None:
        if self._system is not None:
            self._system.close()
            self._system = None
