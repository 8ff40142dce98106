"""What every command gets: settings, output mode, and the register opened on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workers.bootstrap import RegisterSystem, open_register
from workers.settings import Settings

if TYPE_CHECKING:
    from cli.remote import Remote


@dataclass
class Context:
    settings: Settings
    json: bool = False
    _system: RegisterSystem | None = field(default=None, repr=False)
    _remote: Remote | None = field(default=None, repr=False)

    @property
    def system(self) -> RegisterSystem:
        if self._system is None:
            self._system = open_register(self.settings)
        return self._system

    @property
    def remote(self) -> Remote:
        """The register's HTTP API, as the signed-in person (staff commands act through it)."""
        if self._remote is None:
            from cli.remote import Remote

            self._remote = Remote.signed_in(self.settings)
        return self._remote

    def close(self) -> None:
        if self._remote is not None:
            self._remote.close()
            self._remote = None
        if self._system is not None:
            self._system.close()
            self._system = None
