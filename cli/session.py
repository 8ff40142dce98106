"""One run of ``cabinet``: the shared options typed, and the handler that answers.

``@handler`` turns ``function(ctx: Context, **options) -> int`` into what
click calls: it reads the settings, configures logging, opens the register
on first use and maps every failure to its exit code (``cli.failures``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from cli.context import Context


@dataclass
class Session:
    """What the shared options said (``--json``, ``--data-dir``, ``-v``, ``--wide``)."""

    json: bool = False
    data_dir: str | None = None
    verbose: bool = False
    wide: bool = False


Handler = Callable[..., int]


def handler(function: Handler) -> Callable[..., int]:
    """The command's body, given the ``Context`` and its own options; returns the exit code."""

    @functools.wraps(function)
    def invoke(**options: Any) -> int:
        click_ctx = click.get_current_context()
        session = click_ctx.ensure_object(Session)
        return answer(session, click_ctx.command_path,
                      lambda ctx: function(ctx, **options))

    return invoke


def answer(session: Session, command: str, body: Callable[[Context], int]) -> int:
    # Imported here so that building the commands (and --help) stays light.
    from cli import failures, render
    from cli.context import Context
    from workers.logging import configure_logging
    from workers.settings import Settings, SettingsError

    try:
        settings = Settings.from_env(data_dir=session.data_dir)
    except SettingsError as error:
        return failures.bad_configuration(error)
    configure_logging("info" if session.verbose else
                      os.environ.get("CABINET_LOG_LEVEL", "warning"), settings.log_format)
    render.WIDE = session.wide
    ctx = Context(settings=settings, json=session.json)
    try:
        return failures.guarded(lambda: body(ctx), settings, command)
    finally:
        ctx.close()
