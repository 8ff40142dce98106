"""How a ``cabinet`` command is declared: its class, its shared options, its examples.

A command is one small function under ``@command(...)``, its options declared
right above it, and ``@handler`` last so that it receives the opened
``Context`` (see ``cli.session``). ``--json``, ``--data-dir`` and ``-v`` come
with every command and group, so they work before or after the command's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli.session import Session

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"],
                                    "max_content_width": 100}


def examples(*lines: str) -> str:
    """An epilog of example command lines, kept as typed (``\\b`` stops re-wrapping)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


def command(name: str, *example_lines: str, parent: click.Group | None = None,
            **settings: Any) -> Callable[[F], click.Command]:
    """A ``cabinet`` command with the shared options and its examples in ``--help``.

    With ``parent``, a sub-command of that group (``holiday add``).
    """
    def decorate(function: F) -> click.Command:
        made = click.command(name, cls=click.Command, epilog=examples(*example_lines),
                             context_settings=CONTEXT_SETTINGS,
                             **settings)(shared_options(function))
        if parent is not None:
            parent.add_command(made)
        return made
    return decorate


def group(name: str, *example_lines: str, **settings: Any) -> Callable[[F], click.Group]:
    """A ``cabinet`` group (``resolution``, ``holiday``) with the shared options."""
    def decorate(function: F) -> click.Group:
        return click.group(name, cls=click.Group, epilog=examples(*example_lines),
                           context_settings=CONTEXT_SETTINGS,
                           **settings)(shared_options(function))
    return decorate


def argument(name: str, help: str, **settings: Any) -> Callable[[F], F]:
    """A positional argument with its help."""
    return click.argument(name, help=help, **settings)


def _remember(attribute: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    # Given before or after the command's name, the last one given wins: a value
    # not given leaves what an outer group's option set.
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value:
            setattr(ctx.ensure_object(Session), attribute, value)
    return callback


def shared_options(function: F) -> F:
    """``--json``, ``--data-dir`` and ``-v``, on every command and group."""
    function = click.option("-v", "--verbose", is_flag=True, expose_value=False,
                            callback=_remember("verbose"), help="log progress to stderr")(function)
    function = click.option("--data-dir", metavar="DIR", expose_value=False,
                            callback=_remember("data_dir"),
                            help="where the register lives (default: ./cabinet-data or "
                                 "CABINET_DATA_DIR)")(function)
    return click.option("--json", "json_output", is_flag=True, expose_value=False,
                        callback=_remember("json"), help="print machine-readable JSON")(function)


def wide_option(function: F) -> F:
    """``--wide``: a table's cells shown whole, however long the lines get."""
    return click.option("--wide", is_flag=True, expose_value=False,
                        callback=_remember("wide"),
                        help="show long cells whole instead of wrapping them")(function)


def when_options(function: F) -> F:
    """The day a question is asked about, whose duties, and as recorded when."""
    function = as_recorded_option(function)
    function = click.option("--agency", metavar="CODE",
                            help="an agency code: its own duties and those binding ALL")(function)
    return click.option("--at", required=True, metavar="DATE",
                        help="the day asked about: ISO or Thai date")(function)


def as_recorded_option(function: F) -> F:
    return click.option("--as-recorded", metavar="MOMENT",
                        help="answer as the register stood at this moment (ISO 8601)")(function)


def paging_options(function: F) -> F:
    function = click.option("--after", metavar="CURSOR",
                            help="the page after the one that printed this cursor")(function)
    return click.option("--limit", type=int, metavar="N",
                        help="at most N rows (a page)")(function)

