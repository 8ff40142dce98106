"""Where the ``cabinet`` client finds the register's HTTP API and the signed-in person's token.

Read by ``Settings.from_env`` from the same environment mapping as every other
setting (``workers.settings`` stays the one place that reads the process
environment). ``cabinet login`` writes the token to ``login.json`` in the
config folder; ``CABINET_URL`` and ``CABINET_TOKEN`` override it for scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

LOGIN_FILE = "login.json"


@dataclass(frozen=True)
class ClientSettings:
    config_dir: Path
    """``CABINET_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/cabinet``, else ``~/.config/cabinet``."""
    url: str | None = None
    """``CABINET_URL``: the API's address, instead of the one signed in to."""
    token: str | None = None
    """``CABINET_TOKEN``: a bearer token, instead of the one ``cabinet login`` kept."""
    timeout: float = 90.0
    """``CABINET_CLIENT_TIMEOUT``: seconds to wait for the server's answer (a step waits for
    the workflow, which the server itself gives up on after ``CABINET_TEMPORAL_CALL_TIMEOUT``)."""

    @property
    def login_path(self) -> Path:
        return self.config_dir / LOGIN_FILE

    @classmethod
    def from_env(cls, env: Mapping[str, str],
                 seconds: Callable[[Mapping[str, str], str, float], float]) -> ClientSettings:
        configured = env.get("CABINET_CONFIG_DIR")
        if configured:
            folder = Path(configured)
        elif env.get("XDG_CONFIG_HOME"):
            folder = Path(env["XDG_CONFIG_HOME"]) / "cabinet"
        else:
            home = env.get("HOME")
            folder = (Path(home) if home else Path.home()) / ".config" / "cabinet"
        return cls(config_dir=folder,
                   url=(env.get("CABINET_URL") or "").strip().rstrip("/") or None,
                   token=(env.get("CABINET_TOKEN") or "").strip() or None,
                   timeout=seconds(env, "CABINET_CLIENT_TIMEOUT", 90.0))
