"""``cabinet`` corrections of the directories: revoke or move a holiday, rename an agency.

Each takes the document that makes the correction (``--source-*``, issued by
the Secretariat), a ``--reason`` and who acts (``--as``); the rules are the
register's (``domain.register.corrections``). Also the directories' history.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cli.context import Context
from cli.inputs import validated
from cli.render import emit_answer, emit_json, heading, table
from domain.errors import NotPermitted
from domain.permissions import Actor
from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from projections.queries import directories
from projections.queries.directories import DirectoryHistory


@contextmanager
def acting_as() -> Iterator[None]:
    """A refusal of who acts names the option that said who: ``--as``."""
    try:
        yield
    except NotPermitted as error:
        raise NotPermitted(error.message, field="--as") from None


def _correction(args: argparse.Namespace, **fields: Any) -> dict[str, Any]:
    return {**fields, "reason": args.reason,
            "source": {"kind": args.source_kind, "number": args.source_number,
                       "date": args.source_date, "issuer": "SOC"}}


def _done(ctx: Context, payload: dict[str, str], text: str) -> int:
    ctx.system.catch_up()
    if ctx.json:
        emit_json(payload)
    else:
        print(text)
    return 0


def revoke_holiday(ctx: Context, args: argparse.Namespace) -> int:
    record = validated(HolidayRevocation, _correction(args, date=args.date))
    actor = validated(Actor, args.actor, "--as")
    with acting_as():
        ctx.system.register.revoke_holiday(record, actor)
    day = record.date.isoformat()
    return _done(ctx, {"date": day}, f"revoked the holiday of {day}")


def move_holiday(ctx: Context, args: argparse.Namespace) -> int:
    record = validated(HolidayMove, _correction(args, date=args.date, to=args.to))
    actor = validated(Actor, args.actor, "--as")
    with acting_as():
        ctx.system.register.move_holiday(record, actor)
    day, to = record.date.isoformat(), record.to.isoformat()
    return _done(ctx, {"date": day, "to": to}, f"moved the holiday of {day} to {to}")


def rename_agency(ctx: Context, args: argparse.Namespace) -> int:
    record = validated(AgencyRename, _correction(
        args, code=args.code, name_th=args.name_th, name_en=args.name_en))
    actor = validated(Actor, args.actor, "--as")
    with acting_as():
        ctx.system.register.rename_agency(record, actor)
    return _done(ctx, {"code": record.code},
                 f"renamed agency {record.code}: {record.name_th} / {record.name_en}")


def holiday_history(ctx: Context, args: argparse.Namespace) -> int:
    return _history(ctx, directories.holiday_history(ctx.system))


def agency_history(ctx: Context, args: argparse.Namespace) -> int:
    return _history(ctx, directories.agency_history(ctx.system))


def _history(ctx: Context, answer: DirectoryHistory) -> int:
    if ctx.json:
        return emit_answer(answer)
    heading(f"History of the {answer.directory} directory")
    table([(e.version, e.event, e.document, e.actor, e.recorded_at.isoformat(), e.detail,
            e.reason or "") for e in answer.events],
          ["v", "event", "document", "actor", "recorded", "detail", "reason"])
    return 0


def add_correction_options(p: argparse.ArgumentParser) -> None:
    """The options every correction takes: its document, its reason, who acts."""
    p.add_argument("--reason", required=True)
    p.add_argument("--source-number", help="the letter or circular making the correction")
    p.add_argument("--source-date", required=True)
    p.add_argument("--source-kind", default="circular")
    p.add_argument("--as", dest="actor", required=True, metavar="AGENCY:ROLE",
                   help="who corrects: the Secretariat's staff or head (SOC:staff)")
