"""``cabinet`` corrections of the directories: revoke or move a holiday, rename an agency.

Each takes the document that makes the correction (``--source-*``, issued by
the Secretariat) and a ``--reason``, and is sent to the register's HTTP API as
the signed-in person (``cabinet login``); the rules are the register's
(``domain.register.corrections``). Also the directories' history (read locally).
The commands join the ``holiday`` and ``agency`` groups in ``cli.directory_cmds``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import click
from pydantic import BaseModel

from cli.context import Context
from cli.inputs import validated
from cli.options import argument, command
from cli.render import emit_answer, emit_json, heading, table
from cli.session import handler
from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from projections.queries import directories
from projections.queries.directories import DirectoryHistory

F = TypeVar("F", bound=Callable[..., Any])


def correction_options(function: F) -> F:
    """The options every correction takes: its document and its reason."""
    function = click.option("--source-kind", default="circular", show_default=True,
                            metavar="KIND",
                            help="the correcting document's kind: circular, letter, …")(function)
    function = click.option("--source-date", required=True, metavar="DATE",
                            help="the correcting document's date (ISO or Thai)")(function)
    function = click.option("--source-number", metavar="NUMBER",
                            help="the letter or circular making the correction")(function)
    return click.option("--reason", required=True, metavar="TEXT",
                        help="why the record is corrected (kept with it)")(function)


def _correction(reason: str, source_number: str | None, source_date: str, source_kind: str,
                **fields: Any) -> dict[str, Any]:
    return {**fields, "reason": reason,
            "source": {"kind": source_kind, "number": source_number, "date": source_date,
                       "issuer": "SOC"}}


def _sent(ctx: Context, path: str, record: BaseModel, in_path: str, payload: dict[str, str],
          text: str) -> int:
    # The corrected day or code is named by the address, so the body leaves it out.
    ctx.remote.call("POST", path, body=record.model_dump(mode="json", exclude={in_path}))
    if ctx.json:
        emit_json(payload)
    else:
        print(text)
    return 0


@command("revoke", "cabinet holiday revoke 2022-07-29 --reason 'declared in error' "
         "--source-number 'นร 0505/ว 130' --source-date 2022-07-05")
@argument("day", "the declared holiday's date (ISO or Thai)", metavar="DATE")
@correction_options
@handler
def revoke_holiday(ctx: Context, day: str, **document: Any) -> int:
    """Revoke a declared holiday; the declaration stays in the record."""
    record = validated(HolidayRevocation, _correction(date=day, **document))
    revoked = record.date.isoformat()
    return _sent(ctx, f"/api/holidays/{revoked}/revoke", record, "date", {"date": revoked},
                 f"revoked the holiday of {revoked}")


@command("move", "cabinet holiday move 2022-07-29 --to 2022-08-01 --reason 'moved by the "
         "cabinet' --source-date 2022-07-05")
@argument("day", "the declared holiday's date (ISO or Thai)", metavar="DATE")
@click.option("--to", "to", required=True, metavar="DATE", help="the day it moves to")
@correction_options
@handler
def move_holiday(ctx: Context, day: str, to: str, **document: Any) -> int:
    """Move a declared holiday to another day."""
    record = validated(HolidayMove, _correction(date=day, to=to, **document))
    moved, new = record.date.isoformat(), record.to.isoformat()
    return _sent(ctx, f"/api/holidays/{moved}/move", record, "date", {"date": moved, "to": new},
                 f"moved the holiday of {moved} to {new}")


@command("rename", "cabinet agency rename MOJ --name-th กระทรวงยุติธรรม --name-en "
         "'Ministry of Justice' --reason 'typing slip' --source-date 2022-07-05")
@argument("code", "the agency's code, e.g. MOJ")
@click.option("--name-th", required=True, metavar="NAME", help="the agency's name in Thai")
@click.option("--name-en", required=True, metavar="NAME", help="the agency's name in English")
@correction_options
@handler
def rename_agency(ctx: Context, code: str, name_th: str, name_en: str,
                  **document: Any) -> int:
    """Correct an agency's names; the earlier names stay in the record."""
    record = validated(AgencyRename, _correction(code=code, name_th=name_th, name_en=name_en,
                                                 **document))
    return _sent(ctx, f"/api/agencies/{quote(record.code, safe='')}/rename", record, "code",
                 {"code": record.code},
                 f"renamed agency {record.code}: {record.name_th} / {record.name_en}")


@command("history", "cabinet holiday history", "cabinet holiday history --json")
@handler
def holiday_history(ctx: Context) -> int:
    """Every declaration, revocation and move of a holiday: by whom, on which document."""
    return _history(ctx, directories.holiday_history(ctx.system))


@command("history", "cabinet agency history", "cabinet agency history --json")
@handler
def agency_history(ctx: Context) -> int:
    """Every agency added or renamed: by whom, on which document."""
    return _history(ctx, directories.agency_history(ctx.system))


def _history(ctx: Context, answer: DirectoryHistory) -> int:
    if ctx.json:
        return emit_answer(answer)
    heading(f"History of the {answer.directory} directory")
    table([(e.version, e.event, e.document, e.actor, e.recorded_at.isoformat(), e.detail,
            e.reason or "") for e in answer.events],
          ["v", "event", "document", "actor", "recorded", "detail", "reason"])
    return 0
