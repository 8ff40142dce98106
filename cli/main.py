"""The ``cabinet`` command: exit 0 on success, 2 on bad input, 1 otherwise, 130 interrupted.

The root group lists its commands from ``COMMANDS`` and imports a command's
module only when that command runs (or its help is asked for), so that a
question to the register does not pay for the workflow engine's imports.

To add a command: write it in a ``cli`` module as one function under
``@command("name", "example line", ...)`` (``cli.options``), its options
declared above it and ``@handler`` below them; then add one line here.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import click
from click.shell_completion import CompletionItem

from cli.options import CONTEXT_SETTINGS, examples, shared_options
from cli.session import Session

COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("cli.register_cmds:import_command", "record an import file (YAML or JSON)"),
    "obligations": ("cli.register_queries:obligations_command", "obligations in force on a date"),
    "due": ("cli.register_queries:due_command", "what falls due next, per obligation"),
    "diff": ("cli.register_queries:diff_command", "what came into or went out of force"),
    "resolution": ("cli.register_queries:resolution_group", "one resolution, clause by clause"),
    "history": ("cli.register_queries:history_command", "every event of one resolution"),
    "search": ("cli.search_cmds:search_command",
               "find resolutions, clauses and circulars by letter number or text"),
    "holiday": ("cli.directory_cmds:holiday_group", "declared special holidays"),
    "agency": ("cli.directory_cmds:agency_group", "the agency directory"),
    "audit": ("cli.audit_cmds:audit_group", "replay the views; verify the chain"),
    "rebuild": ("cli.audit_cmds:rebuild_command", "rebuild read models from the events, in place"),
    "migrate": ("cli.audit_cmds:migrate_command",
                "create or update the store's tables for this release, then exit"),
    "refusals": ("cli.proposal_queries:refusals_command", "refused attempts, for auditors"),
    "user": ("cli.user_cmds:user_group", "accounts, role grants, passwords and API tokens (local)"),
    "who-could": ("cli.user_cmds:who_could_command", "which accounts could take a verb on a day"),
    "demo": ("cli.demo:demo_command", "run the reference case end to end in a temporary folder"),
    "login": ("cli.account_cmds:login_command", "sign in to the register's server (keeps a token)"),
    "logout": ("cli.account_cmds:logout_command", "sign out: the token is revoked and deleted"),
    "whoami": ("cli.account_cmds:whoami_command", "who the server takes you for"),
    "proposal": ("cli.proposal_cmds:proposal_group", "start and move a proposal"),
    "proposals": ("cli.proposal_queries:board_command", "the board of open proposals"),
    "server": ("cli.process_cmds:server_command",
               "run the embedded system: Temporal dev server, worker, projector, HTTP API"),
    "web": ("cli.process_cmds:web_command", "serve the HTTP API alone (production)"),
    "worker": ("cli.process_cmds:worker_command", "run a Temporal worker"),
    "projector": ("cli.process_cmds:projector_command", "keep the register's views current"),
}
"""Each command: where it is defined (``module:name``) and its line in ``cabinet --help``."""


class LazyGroup(click.Group):
    """The root: lists ``COMMANDS`` from the table, imports one only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, name = COMMANDS[cmd_name][0].partition(":")
        found = getattr(importlib.import_module(module), name)
        assert isinstance(found, click.Command)
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_, line) in COMMANDS.items()])

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        # The table's lines, so completing a command's name imports none of them.
        return [CompletionItem(name, help=line) for name, (_, line) in COMMANDS.items()
                if name.startswith(incomplete)]


@click.group("cabinet", cls=LazyGroup, context_settings=CONTEXT_SETTINGS,
             epilog=examples("cabinet import examples/emenscr-2021.yaml",
                             "cabinet obligations --at 2021-11-10 --agency MOI",
                             "cabinet resolution show 2021-11-09 --full",
                             "cabinet proposal status OPDC-1220-999 --json",
                             'eval "$(_CABINET_COMPLETE=bash_source cabinet)"  '
                             "# completion in bash"))
@shared_options
def cabinet() -> None:
    """The register of cabinet resolutions and the proposals that lead to them."""


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command line; its exit code.

    A command line the parser refuses (a missing or unknown option) exits
    with 2 through ``SystemExit``, after the message naming the option.
    """
    from workers.logging import load_structlog_without_rich
    from workers.runtime import tune_gc

    tune_gc()
    load_structlog_without_rich()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cabinet.main(args, prog_name="cabinet", standalone_mode=False,
                              obj=Session())
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.exceptions.Abort:
        from cli.failures import interrupted

        return interrupted()
    return int(result or 0)


def main() -> None:
    if "_CABINET_COMPLETE" in os.environ:
        cabinet.main(prog_name="cabinet")  # click's completion answers and exits
    try:
        code = run()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without interpreter teardown: the Temporal client's native threads
    # can abort the process during it (exit 134) after a successful command.
    os._exit(code)
