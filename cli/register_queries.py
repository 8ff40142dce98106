"""``cabinet`` questions to the register: parse the options, ask the query layer, render.

No SQL and no events here: every answer comes from ``projections.queries``,
and ``--json`` prints its model's dump.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from cli.context import Context
from cli.inputs import date_option, moment_option, uuid_or_none
from cli.options import (
    argument,
    as_recorded_option,
    command,
    group,
    paging_options,
    when_options,
    wide_option,
)
from cli.render import emit_answer, full_text, heading, more, said_empty, table
from cli.session import handler
from domain.paperwork.thai_dates import format_thai_date
from projections.queries import directories, obligations

if TYPE_CHECKING:
    from projections.queries.resolutions import ResolutionKey


def _as_recorded(text: str | None) -> datetime | None:
    return moment_option(text, "--as-recorded") if text else None


def _agency(ctx: Context, code: str | None) -> str | None:
    if code is None:
        return None
    return directories.require_agency(ctx.system, code, field="--agency")


def _resolution(text: str) -> ResolutionKey:
    return uuid_or_none(text) or date_option(text, "resolution")


@command("obligations", "cabinet obligations --at 2021-11-10",
         "cabinet obligations --at '10 พ.ย. 2564' --agency MOI --wide",
         "cabinet obligations --at 2021-11-10 --as-recorded 2021-11-01T00:00:00+07:00 --json",
         "cabinet obligations --at 2021-11-10 --limit 20 --after CURSOR")
@when_options
@paging_options
@wide_option
@handler
def obligations_command(ctx: Context, at: str, agency: str | None, as_recorded: str | None,
                        limit: int | None, after: str | None) -> int:
    """Obligations in force on a date: who bears each, and until when."""
    on = date_option(at, "--at")
    answer = obligations.in_force(ctx.system, on, agency=_agency(ctx, agency),
                                  as_recorded=_as_recorded(as_recorded), limit=limit,
                                  after=after)
    if ctx.json:
        return emit_answer(answer)
    heading(f"Obligations in force on {on.isoformat()} ({format_thai_date(on)})"
            + (f" for {answer.agency}" if answer.agency else "")
            + (f", as recorded at {answer.as_recorded.isoformat()}"
               if answer.as_recorded else ""))
    if said_empty(answer):
        return 0
    rows = answer.obligations
    table([(r.resolution, r.clause, r.bearer, r.summary, r.in_force_until or "", r.source)
           for r in rows], ["resolution", "cl.", "bearer", "summary", "until", "source"])
    print(f"{len(rows)} obligation{'s' if len(rows) != 1 else ''}")
    more(answer.next)
    return 0


@command("due", "cabinet due --at 2021-12-15 --agency MOI",
         "cabinet due --at 2021-12-15 --json")
@when_options
@wide_option
@handler
def due_command(ctx: Context, at: str, agency: str | None, as_recorded: str | None) -> int:
    """What falls due next, per obligation, with deadlines moved off holidays."""
    from projections.queries import due  # the recurrence rules: only this question needs them

    answer = due.due(ctx.system, date_option(at, "--at"), agency=_agency(ctx, agency),
                     as_recorded=_as_recorded(as_recorded))
    if ctx.json:
        return emit_answer(answer)
    heading(f"Next due as of {answer.at.isoformat()}"
            + (f" for {answer.agency}" if answer.agency else ""))
    if said_empty(answer):
        return 0
    table([(r.deadline, r.due, r.period, r.summary, r.resolution) for r in answer.due],
          ["deadline", "by count", "period", "summary", "resolution"])
    for r in answer.due:
        if r.moved_by:
            print(f"  {r.due} → {r.deadline}: {r.moved_by}")
        if not r.owed:
            print(f"  {r.period}, {r.summary}: {r.governed_by.why}")
    return 0


@command("diff", "cabinet diff --from 2021-06-01 --to 2021-11-10",
         "cabinet diff --from 2021-06-01 --to 2021-11-10 --agency MOI --json")
@click.option("--from", "start", required=True, metavar="DATE",
              help="the earlier day (ISO or Thai)")
@click.option("--to", "end", required=True, metavar="DATE", help="the later day (ISO or Thai)")
@click.option("--agency", metavar="CODE",
              help="an agency code: its own duties and those binding ALL")
@as_recorded_option
@wide_option
@handler
def diff_command(ctx: Context, start: str, end: str, agency: str | None,
                 as_recorded: str | None) -> int:
    """What came into or went out of force between two days."""
    answer = obligations.diff(ctx.system, date_option(start, "--from"),
                              date_option(end, "--to"), agency=_agency(ctx, agency),
                              as_recorded=_as_recorded(as_recorded))
    if ctx.json:
        return emit_answer(answer)
    heading(f"Between {answer.from_.isoformat()} and {answer.to.isoformat()}")
    if said_empty(answer):
        return 0
    for label, rows in (("came into force", answer.came_into_force),
                        ("went out of force", answer.went_out_of_force)):
        print(f"\n{label}:")
        table([(r.resolution, r.clause, r.bearer, r.summary, r.ended_by or r.in_force_from)
               for r in rows], ["resolution", "cl.", "bearer", "summary", "why"])
    return 0


@group("resolution", "cabinet resolution show 2021-11-09 --full",
       "cabinet resolution list --date 2021-11-09")
def resolution_group() -> None:
    """One resolution, clause by clause, or the list of them."""


RESOLUTION_HELP = "the meeting date (ISO or Thai) or the resolution's id"


@command("show", "cabinet resolution show 2021-11-09",
         "cabinet resolution show 2021-11-09 --subject eMENSCR --at 2022-01-01 --full",
         "cabinet resolution show 2021-11-09 --as-recorded 2021-11-12T00:00:00+07:00 --json",
         parent=resolution_group)
@argument("resolution", RESOLUTION_HELP, metavar="DATE|ID")
@click.option("--subject", metavar="TEXT", help="part of the subject, where the date has several")
@click.option("--at", metavar="DATE", help="the day to judge each clause on (today)")
@as_recorded_option
@click.option("--full", is_flag=True, help="print each clause's full text after the table")
@wide_option
@handler
def show_resolution(ctx: Context, resolution: str, subject: str | None, at: str | None,
                    as_recorded: str | None, full: bool) -> int:
    """Each clause of one resolution and its status on a day."""
    from projections.queries import resolutions  # loaded by the questions that need it

    on = date_option(at, "--at") if at else date.today()
    answer = resolutions.show(ctx.system, _resolution(resolution), subject=subject,
                              on=on, as_recorded=_as_recorded(as_recorded))
    if ctx.json:
        return emit_answer(answer)
    heading(f"Resolution of {answer.resolution}: {answer.subject}")
    print(f"source: {answer.source}; clauses as of {on.isoformat()}")
    table([(c.clause, c.status, c.ended_by or c.amended_by or "", c.summary)
           for c in answer.clauses], ["cl.", "status", "by", "summary"])
    if full:
        for c in answer.clauses:
            full_text(f"clause {c.clause} ({c.status})", c.summary or "")
    return 0


@command("list", "cabinet resolution list", "cabinet resolution list --date 2021-11-09",
         "cabinet resolution list --limit 50 --json", parent=resolution_group)
@click.option("--date", "meeting_date", metavar="DATE",
              help="only the resolutions of this meeting (ISO or Thai)")
@paging_options
@wide_option
@handler
def list_resolutions(ctx: Context, meeting_date: str | None, limit: int | None,
                     after: str | None) -> int:
    """The resolutions in the register, by meeting date and subject."""
    from projections.queries import resolutions

    answer = resolutions.listing(
        ctx.system, meeting_date=date_option(meeting_date, "--date") if meeting_date else None,
        limit=limit, after=after)
    if ctx.json:
        return emit_answer(answer)
    if said_empty(answer):
        return 0
    table([(r.meeting_date, r.clause_count, r.cited_as, r.subject) for r in answer.resolutions],
          ["date", "clauses", "source", "subject"])
    more(answer.next)
    return 0


@command("history", "cabinet history 2021-11-09", "cabinet history 2021-11-09 --json")
@argument("resolution", RESOLUTION_HELP, metavar="DATE|ID")
@click.option("--subject", metavar="TEXT", help="part of the subject, where the date has several")
@wide_option
@handler
def history_command(ctx: Context, resolution: str, subject: str | None) -> int:
    """Every event of one resolution, oldest first: who recorded what, and when."""
    from projections.queries import resolutions

    answer = resolutions.history(ctx.system, _resolution(resolution), subject=subject)
    if ctx.json:
        return emit_answer(answer)
    heading(f"History of the resolution of {answer.resolution}: {answer.subject}")
    table([(e.version, e.event, e.effective, e.document, e.actor, e.recorded_at.isoformat(),
            e.detail) for e in answer.events],
          ["v", "event", "effective", "document", "actor", "recorded", "detail"])
    return 0
