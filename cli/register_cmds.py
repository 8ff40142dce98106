"""``cabinet`` commands over the register: import, questions, history, directories.

The questions' handlers are in ``cli.register_queries``; this module wires
their options and records what staff enter.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from cli import correction_cmds
from cli.context import Context
from cli.inputs import load_structured, validated
from cli.register_queries import (
    list_agencies,
    list_holidays,
    list_resolutions,
    show_diff,
    show_due,
    show_history,
    show_obligations,
    show_resolution,
)
from cli.render import Progress, emit_json
from domain.errors import NotPermitted
from domain.permissions import Actor
from domain.register.imports import LOCAL_OPERATOR
from domain.register.records import AgencyRecord, HolidayRecord, ImportFile

log = structlog.get_logger(__name__)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import", parents=[common], help="record an import file (YAML or JSON)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=import_file)

    p = sub.add_parser("obligations", parents=[common], help="obligations in force on a date")
    _when(p)
    _paging(p)
    p.set_defaults(handler=show_obligations)

    p = sub.add_parser("due", parents=[common], help="what falls due next, per obligation")
    _when(p)
    p.set_defaults(handler=show_due)

    p = sub.add_parser("diff", parents=[common], help="what came into or went out of force")
    p.add_argument("--from", dest="start", required=True, metavar="DATE")
    p.add_argument("--to", dest="end", required=True, metavar="DATE")
    p.add_argument("--agency")
    p.add_argument("--as-recorded", metavar="MOMENT")
    p.set_defaults(handler=show_diff)

    p = sub.add_parser("resolution", parents=[common], help="one resolution, clause by clause")
    rsub = p.add_subparsers(dest="resolution_command", required=True)
    show = rsub.add_parser("show", parents=[common])
    show.add_argument("resolution", metavar="DATE|ID")
    show.add_argument("--subject", help="part of the subject, where the date has several")
    show.add_argument("--at", metavar="DATE", help="the day to judge each clause on (today)")
    show.add_argument("--as-recorded", metavar="MOMENT")
    show.set_defaults(handler=show_resolution)
    listing = rsub.add_parser("list", parents=[common])
    listing.add_argument("--date", metavar="DATE")
    _paging(listing)
    listing.set_defaults(handler=list_resolutions)

    p = sub.add_parser("history", parents=[common], help="every event of one resolution")
    p.add_argument("resolution", metavar="DATE|ID")
    p.add_argument("--subject")
    p.set_defaults(handler=show_history)

    p = sub.add_parser("holiday", parents=[common], help="declared special holidays")
    hsub = p.add_subparsers(dest="holiday_command", required=True)
    add = hsub.add_parser("add", parents=[common])
    add.add_argument("date")
    add.add_argument("name")
    add.add_argument("--source-number", help="the letter or circular declaring it")
    add.add_argument("--source-date", required=True)
    add.add_argument("--source-kind", default="circular")
    add.add_argument("--as", dest="actor", required=True, metavar="AGENCY:ROLE",
                     help="who declares it: the Secretariat's staff or head (SOC:staff)")
    add.set_defaults(handler=add_holiday)
    hl = hsub.add_parser("list", parents=[common])
    hl.add_argument("--year", type=int, help="every day offices close that year, and why")
    hl.set_defaults(handler=list_holidays)
    hr = hsub.add_parser("revoke", parents=[common])
    hr.add_argument("date")
    correction_cmds.add_correction_options(hr)
    hr.set_defaults(handler=correction_cmds.revoke_holiday)
    hm = hsub.add_parser("move", parents=[common])
    hm.add_argument("date")
    hm.add_argument("--to", required=True, metavar="DATE")
    correction_cmds.add_correction_options(hm)
    hm.set_defaults(handler=correction_cmds.move_holiday)
    hsub.add_parser("history", parents=[common]).set_defaults(
        handler=correction_cmds.holiday_history)

    p = sub.add_parser("agency", parents=[common], help="the agency directory")
    gsub = p.add_subparsers(dest="agency_command", required=True)
    ga = gsub.add_parser("add", parents=[common])
    ga.add_argument("code")
    ga.add_argument("--name-th", required=True)
    ga.add_argument("--name-en", required=True)
    ga.add_argument("--as", dest="actor", required=True, metavar="AGENCY:ROLE",
                    help="who adds it: the Secretariat's staff or head (SOC:staff)")
    ga.set_defaults(handler=add_agency)
    gl = gsub.add_parser("list", parents=[common])
    gl.set_defaults(handler=list_agencies)
    gr = gsub.add_parser("rename", parents=[common])
    gr.add_argument("code")
    gr.add_argument("--name-th", required=True)
    gr.add_argument("--name-en", required=True)
    correction_cmds.add_correction_options(gr)
    gr.set_defaults(handler=correction_cmds.rename_agency)
    gsub.add_parser("history", parents=[common]).set_defaults(
        handler=correction_cmds.agency_history)


def _when(p: argparse.ArgumentParser) -> None:
    p.add_argument("--at", required=True, metavar="DATE", help="ISO or Thai date")
    p.add_argument("--agency", help="an agency code: its own duties and those binding ALL")
    p.add_argument("--as-recorded", metavar="MOMENT",
                   help="answer as the register stood at this moment (ISO 8601)")


def _paging(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, metavar="N", help="at most N rows (a page)")
    p.add_argument("--after", metavar="CURSOR",
                   help="the page after the one that printed this cursor")


# --- import ------------------------------------------------------------------------


def import_file(ctx: Context, args: argparse.Namespace) -> int:
    data = load_structured(args.file)
    content: ImportFile = validated(ImportFile, data)
    progress = Progress("recording", content.size)
    # The CLI runs on the register's own machine: its user is the local operator.
    events = ctx.system.register.import_file(content, progress=progress, actor=LOCAL_OPERATOR)
    progress.finish()
    viewing = Progress("updating views", None)
    ctx.system.catch_up(progress=viewing)
    viewing.finish()
    log.info("imported", file=str(args.file), records=content.size, events=events)
    result = {"file": str(args.file), "records": content.size, "events": events}
    if ctx.json:
        emit_json(result)
    elif events:
        print(f"recorded {events} events from {content.size} records in {args.file}")
    else:
        print(f"nothing new: every record of {args.file} is already in the register")
    return 0


# --- directories -------------------------------------------------------------------


@contextmanager
def _acting_as() -> Iterator[None]:
    """A refusal of who acts names the option that said who: ``--as``."""
    try:
        yield
    except NotPermitted as error:
        raise NotPermitted(error.message, field="--as") from None



def add_holiday(ctx: Context, args: argparse.Namespace) -> int:
    record = validated(HolidayRecord, {
        "date": args.date, "name": args.name,
        "source": {"kind": args.source_kind, "number": args.source_number,
                   "date": args.source_date, "issuer": "SOC"}})
    actor = validated(Actor, args.actor, "--as")
    with _acting_as():
        ctx.system.register.declare_holiday(record, actor)
    ctx.system.catch_up()
    if ctx.json:
        emit_json({"date": record.date.isoformat(), "name": record.name})
    else:
        print(f"declared {record.date.isoformat()} a holiday: {record.name}")
    return 0


def add_agency(ctx: Context, args: argparse.Namespace) -> int:
    record = validated(AgencyRecord, {"code": args.code, "name_th": args.name_th,
                                      "name_en": args.name_en})
    actor = validated(Actor, args.actor, "--as")
    with _acting_as():
        ctx.system.register.register_agency(record, actor)
    if ctx.json:
        emit_json({"code": record.code})
    else:
        print(f"registered agency {record.code}")
    return 0
