"""structlog set-up: JSON lines when not on a terminal, readable lines when on one.

structlog imports asyncio when it loads, which is a tenth of a register
query's start-up, and a query logs nothing. So the set-up is applied when
structlog is first imported (at once, if it already is): a process that never
logs never loads it, and one that does is set up before its first line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import structlog


def _stderr_logger(*_: object) -> structlog.PrintLogger:
    import structlog

    return structlog.PrintLogger(file=sys.stderr)


def configure_logging(level: str = "info",
                      fmt: Literal["auto", "json", "console"] = "auto") -> None:
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    _when_loaded(lambda: _configure(numeric, use_json))
    # Library loggers (temporalio, eventsourcing) go through the standard module.
    logging.basicConfig(level=max(numeric, logging.WARNING), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


def _configure(numeric: int, use_json: bool) -> None:
    import structlog

    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if use_json
        else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        # Resolve stderr at each call, not at configuration: a process (or a
        # test run) may replace it afterwards.
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )


class _StructlogLoader:
    """An import hook for structlog: sets it up as soon as it has loaded, then leaves.

    With ``without_rich``, rich is hidden while structlog loads: structlog
    formats exceptions with rich whenever it can import it, and that import
    (rich's traceback and pretty printer) costs more than a question to the
    register takes to answer. The logs keep structlog's own exception format;
    rich itself stays importable after.
    """

    def __init__(self) -> None:
        self.set_up: Callable[[], None] | None = None
        self.without_rich = False

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "structlog":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def load_then_set_up(module: Any) -> None:
            hide = self.without_rich
            if hide:
                sys.modules["rich"] = None  # type: ignore[assignment]
            try:
                load(module)
            finally:
                if hide:
                    del sys.modules["rich"]
            if self.set_up is not None:
                self.set_up()

        spec.loader.exec_module = load_then_set_up  # type: ignore[method-assign]
        return spec


_LOADER = _StructlogLoader()


def _when_loaded(set_up: Callable[[], None]) -> None:
    """Set structlog up now if it is loaded, else as soon as it loads."""
    if "structlog" in sys.modules:
        set_up()
        return
    _LOADER.set_up = set_up
    if _LOADER not in sys.meta_path:
        sys.meta_path.insert(0, _LOADER)


def load_structlog_without_rich() -> None:
    """Have structlog load without rich, whenever it loads (the CLI's tables import rich)."""
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    _LOADER.without_rich = True
    if _LOADER not in sys.meta_path:
        sys.meta_path.insert(0, _LOADER)
