"""``cabinet`` questions to the register: parse the options, ask the query layer, render.

No SQL and no events here: every answer comes from ``projections.queries``,
and ``--json`` prints its model's dump.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime

from cli.context import Context
from cli.inputs import date_option, moment_option, uuid_or_none
from cli.render import emit_answer, heading, more, said_empty, table
from domain.paperwork.thai_dates import format_thai_date
from projections.queries import directories, due, obligations, resolutions
from projections.queries.resolutions import ResolutionKey


def _as_recorded(args: argparse.Namespace) -> datetime | None:
    return moment_option(args.as_recorded, "--as-recorded") if args.as_recorded else None


def _agency(ctx: Context, code: str | None) -> str | None:
    if code is None:
        return None
    return directories.require_agency(ctx.system, code, field="--agency")


def _resolution(text: str) -> ResolutionKey:
    return uuid_or_none(text) or date_option(text, "resolution")


def show_obligations(ctx: Context, args: argparse.Namespace) -> int:
    on = date_option(args.at, "--at")
    answer = obligations.in_force(ctx.system, on, agency=_agency(ctx, args.agency),
                                  as_recorded=_as_recorded(args), limit=args.limit,
                                  after=args.after)
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


def show_due(ctx: Context, args: argparse.Namespace) -> int:
    answer = due.due(ctx.system, date_option(args.at, "--at"), agency=_agency(ctx, args.agency),
                     as_recorded=_as_recorded(args))
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


def show_diff(ctx: Context, args: argparse.Namespace) -> int:
    answer = obligations.diff(ctx.system, date_option(args.start, "--from"),
                              date_option(args.end, "--to"), agency=_agency(ctx, args.agency),
                              as_recorded=_as_recorded(args))
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


def show_resolution(ctx: Context, args: argparse.Namespace) -> int:
    on = date_option(args.at, "--at") if args.at else date.today()
    answer = resolutions.show(ctx.system, _resolution(args.resolution), subject=args.subject,
                              on=on, as_recorded=_as_recorded(args))
    if ctx.json:
        return emit_answer(answer)
    heading(f"Resolution of {answer.resolution}: {answer.subject}")
    print(f"source: {answer.source}; clauses as of {on.isoformat()}")
    table([(c.clause, c.status, c.ended_by or c.amended_by or "", c.summary)
           for c in answer.clauses], ["cl.", "status", "by", "summary"])
    return 0


def list_resolutions(ctx: Context, args: argparse.Namespace) -> int:
    answer = resolutions.listing(
        ctx.system, meeting_date=date_option(args.date, "--date") if args.date else None,
        limit=args.limit, after=args.after)
    if ctx.json:
        return emit_answer(answer)
    if said_empty(answer):
        return 0
    table([(r.meeting_date, r.clause_count, r.cited_as, r.subject) for r in answer.resolutions],
          ["date", "clauses", "source", "subject"])
    more(answer.next)
    return 0


def show_history(ctx: Context, args: argparse.Namespace) -> int:
    answer = resolutions.history(ctx.system, _resolution(args.resolution), subject=args.subject)
    if ctx.json:
        return emit_answer(answer)
    heading(f"History of the resolution of {answer.resolution}: {answer.subject}")
    table([(e.version, e.event, e.effective, e.document, e.actor, e.recorded_at.isoformat(),
            e.detail) for e in answer.events],
          ["v", "event", "effective", "document", "actor", "recorded", "detail"])
    return 0


def list_holidays(ctx: Context, args: argparse.Namespace) -> int:
    answer = directories.declared_holidays(ctx.system, year=args.year)
    if ctx.json:
        return emit_answer(answer)
    if answer.days is not None:
        table([(d.day, d.name, d.kind, d.comes_from) for d in answer.days],
              ["date", "name", "kind", "from"])
        return 0
    table([(r.day, r.name, r.source, r.recorded_at) for r in answer.holidays],
          ["date", "name", "source", "recorded"])
    return 0


def list_agencies(ctx: Context, args: argparse.Namespace) -> int:
    answer = directories.agencies(ctx.system)
    if ctx.json:
        return emit_answer(answer)
    print("\n".join(answer.agencies))
    return 0
