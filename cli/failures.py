"""Every failure of a command, mapped once to its message and exit code.

0 ok, 2 bad input (the message names the field), 1 anything else, 130 when
interrupted. No traceback for bad input; an unexpected failure is logged.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable

import click
from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError

from cli.inputs import validation_problem
from domain.errors import RegisterError
from projections.logs import get_logger
from workers.settings import Settings, SettingsError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandFailed(Exception):
    """A failure already told for people (the register's server unreachable): exit 1."""


def guarded(body: Callable[[], int], settings: Settings, command: str) -> int:
    """The body's exit code, or the one its failure maps to."""
    try:
        return int(body())
    except click.ClickException:
        raise  # the command line itself is wrong: the parser's message and exit code
    except RegisterError as error:
        return bad_input(error)
    except ValidationError as error:
        return bad_input(validation_problem(error))
    except BrokenPipeError:
        # The reader (a pager, `head`) stopped reading; that is not a failure.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except (PersistenceError, sqlite3.DatabaseError, OSError) as error:
        if _not_a_register(error):
            return bad_input(RegisterError(
                f"{settings.data_dir} holds a file that is not a register database ({error})",
                field="--data-dir"))
        print(f"cabinet: the register's store failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    except CommandFailed as error:
        print(f"cabinet: {error}", file=sys.stderr)
        return EXIT_FAILED
    except RecursionError:
        return bad_input(RegisterError("the input is nested too deeply to be read"))
    except KeyboardInterrupt:
        return interrupted()
    except Exception as error:
        refused = _temporal_failure(error)
        if refused is not None:
            print(f"cabinet: {refused}", file=sys.stderr)
            return EXIT_FAILED
        get_logger(__name__).exception("command_failed", command=command)
        print(f"cabinet: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED


def _temporal_failure(error: Exception) -> str | None:
    """The message for a failure of the workflow engine, if it is one.

    Only commands that talk to Temporal import it; a query must not pay for
    importing it here, so these are recognised only once it is loaded.
    """
    if "workflows.unanswered" in sys.modules:
        from workflows.unanswered import TemporalUnavailable

        if isinstance(error, TemporalUnavailable):
            # Includes a step left unconfirmed: the message says if the register has it.
            return str(error)
    if "temporalio.service" in sys.modules:
        from temporalio.service import RPCError

        if isinstance(error, RPCError):
            return (f"the Temporal server refused the request ({error.status.name}: "
                    f"{error.message})")
    return None


def _not_a_register(error: BaseException) -> bool:
    # SQLite says so when it opens a file that is no database, or a damaged one.
    text = str(error)
    return "file is not a database" in text or "database disk image is malformed" in text


def bad_input(error: RegisterError) -> int:
    where = f"{error.field}: " if error.field else ""
    print(f"cabinet: error: {where}{error.message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def bad_configuration(error: SettingsError) -> int:
    print(f"cabinet: configuration: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT


def interrupted() -> int:
    print("cabinet: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED
