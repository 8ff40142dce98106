"""``cabinet import``, ``cabinet holiday`` and ``cabinet agency``: what staff enter.

The questions to the register are in ``cli.register_queries``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import structlog

from cli.context import Context
from cli.files import load_structured
from cli.inputs import validated
from cli.options import actor_option, argument, command, group
from cli.render import Progress, emit_answer, emit_json, table
from cli.session import handler
from domain.errors import NotPermitted
from domain.permissions import Actor
from domain.register.imports import LOCAL_OPERATOR
from domain.register.records import AgencyRecord, HolidayRecord, ImportFile
from projections.queries import directories

log = structlog.get_logger(__name__)


# --- import ------------------------------------------------------------------------


@command("import", "cabinet import examples/emenscr-2021.yaml",
         "cabinet import agencies.json --json")
@argument("file", "the YAML or JSON file: resolutions, agencies, holidays, proposals",
          type=click.Path(path_type=Path))
@handler
def import_command(ctx: Context, file: Path) -> int:
    """Record an import file (YAML or JSON); a record already there is skipped."""
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


# --- directories -------------------------------------------------------------------


@contextmanager
def _acting_as() -> Iterator[None]:
    """A refusal of who acts names the option that said who: ``--as``."""
    try:
        yield
    except NotPermitted as error:
        raise NotPermitted(error.message, field="--as") from None



@group("holiday", "cabinet holiday list",
       "cabinet holiday add 2022-07-29 'วันหยุดพิเศษ' --source-date 2022-07-01 --as SOC:staff")
def holiday_group() -> None:
    """Declared special holidays: the days the Secretariat adds to the calendar."""


@command("list", "cabinet holiday list", "cabinet holiday list --json", parent=holiday_group)
@handler
def list_holidays(ctx: Context) -> int:
    """Every declared special holiday, with the document that declared it."""
    answer = directories.declared_holidays(ctx.system)
    if ctx.json:
        return emit_answer(answer)
    table([(r.day, r.name, r.source, r.recorded_at) for r in answer.holidays],
          ["date", "name", "source", "recorded"])
    return 0


@command("add", "cabinet holiday add 2022-07-29 'วันหยุดพิเศษ' --source-number 'นร 0505/ว 123' "
         "--source-date 2022-07-01 --as SOC:staff", parent=holiday_group)
@argument("day", "the holiday's date (ISO or Thai)", metavar="DATE")
@argument("name", "the holiday's name as declared")
@click.option("--source-number", metavar="NUMBER", help="the letter or circular declaring it")
@click.option("--source-date", required=True, metavar="DATE",
              help="the declaring document's date (ISO or Thai)")
@click.option("--source-kind", default="circular", show_default=True, metavar="KIND",
              help="the declaring document's kind: circular, letter, …")
@actor_option("who declares it: the Secretariat's staff or head (SOC:staff)")
@handler
def add_holiday(ctx: Context, day: str, name: str, source_number: str | None,
                source_date: str, source_kind: str, actor: str) -> int:
    """Declare a special holiday (the Secretariat only)."""
    record = validated(HolidayRecord, {
        "date": day, "name": name,
        "source": {"kind": source_kind, "number": source_number,
                   "date": source_date, "issuer": "SOC"}})
    who = validated(Actor, actor, "--as")
    with _acting_as():
        ctx.system.register.declare_holiday(record, who)
    ctx.system.catch_up()
    if ctx.json:
        emit_json({"date": record.date.isoformat(), "name": record.name})
    else:
        print(f"declared {record.date.isoformat()} a holiday: {record.name}")
    return 0


@group("agency", "cabinet agency list",
       "cabinet agency add MOJ --name-th กระทรวงยุติธรรม --name-en 'Ministry of Justice' "
       "--as SOC:staff")
def agency_group() -> None:
    """The agency directory: the codes that bear duties and give opinions."""


@command("list", "cabinet agency list", "cabinet agency list --json", parent=agency_group)
@handler
def list_agencies(ctx: Context) -> int:
    """Every agency code in the directory, one a line."""
    answer = directories.agencies(ctx.system)
    if ctx.json:
        return emit_answer(answer)
    print("\n".join(answer.agencies))
    return 0


@command("add", "cabinet agency add MOJ --name-th กระทรวงยุติธรรม "
         "--name-en 'Ministry of Justice' --as SOC:staff", parent=agency_group)
@argument("code", "the agency's code, e.g. MOJ")
@click.option("--name-th", required=True, metavar="NAME", help="the agency's name in Thai")
@click.option("--name-en", required=True, metavar="NAME", help="the agency's name in English")
@actor_option("who adds it: the Secretariat's staff or head (SOC:staff)")
@handler
def add_agency(ctx: Context, code: str, name_th: str, name_en: str, actor: str) -> int:
    """Add an agency to the directory (the Secretariat only)."""
    record = validated(AgencyRecord, {"code": code, "name_th": name_th, "name_en": name_en})
    who = validated(Actor, actor, "--as")
    with _acting_as():
        ctx.system.register.register_agency(record, who)
    if ctx.json:
        emit_json({"code": record.code})
    else:
        print(f"registered agency {record.code}")
    return 0
