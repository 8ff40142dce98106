"""The ``cabinet`` command: exit 0 on success, 2 on bad input, 1 otherwise."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

import structlog
from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError
from temporalio.service import RPCError

from cli import audit_cmds, demo, proposal_queries, register_cmds
from cli.context import Context
from cli.inputs import validation_problem
from domain.errors import RegisterError
from workers.logging import configure_logging
from workers.runtime import tune_gc
from workers.settings import Settings, SettingsError
from workers.temporal import TemporalUnavailable

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON")
    common.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="where the register lives (default: ./cabinet-data or "
                             "CABINET_DATA_DIR)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log progress to stderr")
    parser = argparse.ArgumentParser(
        prog="cabinet", parents=[common],
        description="The register of cabinet resolutions and the proposals that lead to them.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register_cmds.add_parsers(sub, common)
    audit_cmds.add_parsers(sub, common)
    proposal_queries.add_parsers(sub, common)
    demo.add_parsers(sub, common)
    _add_workflow_parsers(sub, common)
    return parser


def _add_workflow_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                          common: argparse.ArgumentParser) -> None:
    # Imported here: they pull in temporalio, which register commands do not need.
    from cli import process_cmds, proposal_cmds

    proposal_cmds.add_parsers(sub, common)
    process_cmds.add_parsers(sub, common)


def run(argv: Sequence[str] | None = None) -> int:
    tune_gc()
    parser = build_parser()
    args = parser.parse_args(argv)
    verbose = getattr(args, "verbose", False)
    try:
        settings = Settings.from_env(data_dir=getattr(args, "data_dir", None))
    except SettingsError as error:
        print(f"cabinet: configuration: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    configure_logging("info" if verbose else os.environ.get("CABINET_LOG_LEVEL", "warning"),
                      settings.log_format)
    ctx = Context(settings=settings, json=getattr(args, "json", False))
    try:
        return int(args.handler(ctx, args))
    except RegisterError as error:
        return _bad_input(error)
    except ValidationError as error:
        return _bad_input(validation_problem(error))
    except TemporalUnavailable as error:
        # Includes a step left unconfirmed: the message says if the register has it.
        print(f"cabinet: {error}", file=sys.stderr)
        return EXIT_FAILED
    except RPCError as error:
        print(f"cabinet: the Temporal server refused the request ({error.status.name}: "
              f"{error.message})", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader (a pager, `head`) stopped reading; that is not a failure.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except (PersistenceError, sqlite3.DatabaseError, OSError) as error:
        if _not_a_register(error):
            return _bad_input(RegisterError(
                f"{settings.data_dir} holds a file that is not a register database ({error})",
                field="--data-dir"))
        print(f"cabinet: the register's store failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    except RecursionError:
        return _bad_input(RegisterError("the input is nested too deeply to be read"))

    except KeyboardInterrupt:
        print("cabinet: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        structlog.get_logger(__name__).exception("command_failed", command=args.command)
        print(f"cabinet: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ctx.close()


def _not_a_register(error: BaseException) -> bool:
    # SQLite says so when it opens a file that is no database, or a damaged one.
    text = str(error)
    return "file is not a database" in text or "database disk image is malformed" in text


def _bad_input(error: RegisterError) -> int:
    where = f"{error.field}: " if error.field else ""
    print(f"cabinet: error: {where}{error.message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main() -> None:
    code = run()
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without interpreter teardown: the Temporal client's native threads
    # can abort the process during it (exit 134) after a successful command.
    os._exit(code)
