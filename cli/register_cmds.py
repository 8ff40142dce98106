"""``cabinet import``: an operator records a file of history into the register.

The directories (holidays, agencies) are in ``cli.directory_cmds``; the
questions to the register in ``cli.register_queries``.
"""

from __future__ import annotations

from pathlib import Path

import click
import structlog

from cli.context import Context
from cli.files import load_structured
from cli.inputs import validated
from cli.options import argument, command
from cli.render import Progress, emit_json
from cli.session import handler
from domain.register.imports import LOCAL_OPERATOR
from domain.register.records import ImportFile

log = structlog.get_logger(__name__)


# --- import ------------------------------------------------------------------------


@command("import", "cabinet import examples/emenscr-2021.yaml",
         "cabinet import agencies.json --json")
@argument("file", "the YAML or JSON file: resolutions, agencies, holidays, proposals",
          type=click.Path(path_type=Path))
@handler
def import_command(ctx: Context, file: Path) -> int:
    """Record an import file (YAML or JSON); a record already there is skipped.

    An operator's command: acts on the data folder's store directly, not through the HTTP API.
    """
    data = load_structured(file)
    content: ImportFile = validated(ImportFile, data)
    progress = Progress("recording", content.size)
    # The CLI runs on the register's own machine: its user is the local operator.
    events = ctx.system.register.import_file(content, progress=progress, actor=LOCAL_OPERATOR)
    progress.finish()
    viewing = Progress("updating views", None)
    ctx.system.catch_up(progress=viewing)
    viewing.finish()
    log.info("imported", file=str(file), records=content.size, events=events)
    result = {"file": str(file), "records": content.size, "events": events}
    if ctx.json:
        emit_json(result)
    elif events:
        print(f"recorded {events} events from {content.size} records in {file}")
    else:
        print(f"nothing new: every record of {file} is already in the register")
    return 0
