"""``cabinet holiday`` and ``cabinet agency``: the directories the Secretariat keeps.

Adding and listing here; corrections (revoke or move a holiday, rename an
agency) and the directories' history in ``cli.correction_cmds``. Adding goes
through the register's HTTP API as the signed-in person (``cabinet login``),
who must be the Secretariat's staff or head; the lists read the data folder.
"""

from __future__ import annotations

import click

from cli import correction_cmds
from cli.context import Context
from cli.inputs import validated
from cli.options import argument, command, group
from cli.render import emit_answer, emit_json, table
from cli.session import handler
from domain.register.records import AgencyRecord, HolidayRecord
from projections.queries import directories


@group("holiday", "cabinet holiday list",
       "cabinet holiday add 2022-07-29 'วันหยุดพิเศษ' --source-date 2022-07-01")
def holiday_group() -> None:
    """Declared special holidays: the days the Secretariat adds to the calendar."""


@command("list", "cabinet holiday list", "cabinet holiday list --year 2022",
         "cabinet holiday list --json", parent=holiday_group)
@click.option("--year", type=int, metavar="YEAR",
              help="every day offices close that year (official and declared), and why")
@handler
def list_holidays(ctx: Context, year: int | None) -> int:
    """Every declared special holiday, with the document that declared it."""
    answer = directories.declared_holidays(ctx.system, year=year)
    if ctx.json:
        return emit_answer(answer)
    if answer.days is not None:
        table([(d.day, d.name, d.kind, d.comes_from) for d in answer.days],
              ["date", "name", "kind", "from"])
        return 0
    table([(r.day, r.name, r.source, r.recorded_at) for r in answer.holidays],
          ["date", "name", "source", "recorded"])
    return 0


@command("add", "cabinet holiday add 2022-07-29 'วันหยุดพิเศษ' --source-number 'นร 0505/ว 123' "
         "--source-date 2022-07-01", parent=holiday_group)
@argument("day", "the holiday's date (ISO or Thai)", metavar="DATE")
@argument("name", "the holiday's name as declared")
@click.option("--source-number", metavar="NUMBER", help="the letter or circular declaring it")
@click.option("--source-date", required=True, metavar="DATE",
              help="the declaring document's date (ISO or Thai)")
@click.option("--source-kind", default="circular", show_default=True, metavar="KIND",
              help="the declaring document's kind: circular, letter, …")
@handler
def add_holiday(ctx: Context, day: str, name: str, source_number: str | None,
                source_date: str, source_kind: str) -> int:
    """Declare a special holiday (the Secretariat only)."""
    record = validated(HolidayRecord, {
        "date": day, "name": name,
        "source": {"kind": source_kind, "number": source_number,
                   "date": source_date, "issuer": "SOC"}})
    ctx.remote.call("POST", "/api/holidays", body=record.model_dump(mode="json"))
    if ctx.json:
        emit_json({"date": record.date.isoformat(), "name": record.name})
    else:
        print(f"declared {record.date.isoformat()} a holiday: {record.name}")
    return 0


@group("agency", "cabinet agency list",
       "cabinet agency add MOJ --name-th กระทรวงยุติธรรม --name-en 'Ministry of Justice'")
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
         "--name-en 'Ministry of Justice'", parent=agency_group)
@argument("code", "the agency's code, e.g. MOJ")
@click.option("--name-th", required=True, metavar="NAME", help="the agency's name in Thai")
@click.option("--name-en", required=True, metavar="NAME", help="the agency's name in English")
@handler
def add_agency(ctx: Context, code: str, name_th: str, name_en: str) -> int:
    """Add an agency to the directory (the Secretariat only)."""
    record = validated(AgencyRecord, {"code": code, "name_th": name_th, "name_en": name_en})
    ctx.remote.call("POST", "/api/agencies", body=record.model_dump(mode="json"))
    if ctx.json:
        emit_json({"code": record.code})
    else:
        print(f"registered agency {record.code}")
    return 0


for _correction in (correction_cmds.revoke_holiday, correction_cmds.move_holiday,
                    correction_cmds.holiday_history):
    holiday_group.add_command(_correction)
for _correction in (correction_cmds.rename_agency, correction_cmds.agency_history):
    agency_group.add_command(_correction)
