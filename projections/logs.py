"""A structlog logger that loads structlog when it first logs.

structlog imports asyncio when it loads; a process that only reads the views
logs nothing and need not load either (``workers.logging`` sets structlog up
whenever it does load).
"""

from __future__ import annotations

from typing import Any


class Logger:
    """``structlog.get_logger(name)``, looked up at each call."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, method: str) -> Any:
        import structlog

        return getattr(structlog.get_logger(self._name), method)


def get_logger(name: str) -> Logger:
    return Logger(name)
