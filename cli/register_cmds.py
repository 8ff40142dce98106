"""``cabinet`` commands over the register: import, questions, history, audit."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import structlog

from cli.context import Context
from cli.inputs import date_option, load_structured, moment_option, uuid_or_none, validated
from cli.render import Progress, emit_json, heading, table
from domain.errors import InvalidInput, NotPermitted, ResolutionNotFound
from domain.paperwork.thai_dates import format_thai_date
from domain.permissions import Actor
from domain.register.imports import LOCAL_OPERATOR
from domain.register.records import AgencyRecord, HolidayRecord, ImportFile
from projections import clauses, due, holidays, obligations, resolutions
from projections.sql import Cursor
from workers.bootstrap import replay_views, verify_chain

log = structlog.get_logger(__name__)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import", parents=[common], help="record an import file (YAML or JSON)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=import_file)

    p = sub.add_parser("obligations", parents=[common], help="obligations in force on a date")
    _when(p)
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
    listing.set_defaults(handler=list_resolutions)

    p = sub.add_parser("history", parents=[common], help="every event of one resolution")
    p.add_argument("resolution", metavar="DATE|ID")
    p.add_argument("--subject")
    p.set_defaults(handler=show_history)

    p = sub.add_parser("audit", parents=[common], help="replay the views; verify the chain")
    asub = p.add_subparsers(dest="audit_command", required=True)
    r = asub.add_parser("replay", parents=[common],
                        help="rebuild every view in a scratch store and compare")
    r.set_defaults(handler=audit_replay)
    v = asub.add_parser("verify", parents=[common], help="check the chain over stored events")
    v.add_argument("--expect-head", metavar="HEX",
                   help="the chain head an earlier verify printed (catches a cut-off tail)")
    v.set_defaults(handler=audit_verify)

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
    hl.set_defaults(handler=list_holidays)

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


def _when(p: argparse.ArgumentParser) -> None:
    p.add_argument("--at", required=True, metavar="DATE", help="ISO or Thai date")
    p.add_argument("--agency", help="an agency code: its own duties and those binding ALL")
    p.add_argument("--as-recorded", metavar="MOMENT",
                   help="answer as the register stood at this moment (ISO 8601)")


def _agency(ctx: Context, code: str | None) -> str | None:
    if code is None:
        return None
    from domain.paperwork.agencies import require_known
    return require_known(code, ctx.system.register.known_agencies(), field="--agency")


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


# --- questions ---------------------------------------------------------------------


def show_obligations(ctx: Context, args: argparse.Namespace) -> int:
    on = date_option(args.at, "--at")
    as_recorded = moment_option(args.as_recorded, "--as-recorded") if args.as_recorded else None
    agency = _agency(ctx, args.agency)
    with ctx.system.reading() as cursor:
        rows = obligations.by_resolution(
            obligations.in_force(cursor, on, agency=agency, as_recorded=as_recorded))
    if ctx.json:
        emit_json({"at": on.isoformat(), "agency": agency,
                   "as_recorded": as_recorded.isoformat() if as_recorded else None,
                   "obligations": [r.as_dict() for r in rows]})
        return 0
    heading(f"Obligations in force on {on.isoformat()} ({format_thai_date(on)})"
            + (f" for {agency}" if agency else "")
            + (f", as recorded at {as_recorded.isoformat()}" if as_recorded else ""))
    table([(r["resolution"], r["clause"], r["bearer"], r["summary"], r["in_force_until"] or "",
            r["source"]) for r in rows],
          ["resolution", "cl.", "bearer", "summary", "until", "source"])
    print(f"{len(rows)} obligation{'s' if len(rows) != 1 else ''}")
    return 0


def show_due(ctx: Context, args: argparse.Namespace) -> int:
    on = date_option(args.at, "--at")
    as_recorded = moment_option(args.as_recorded, "--as-recorded") if args.as_recorded else None
    agency = _agency(ctx, args.agency)
    with ctx.system.reading() as cursor:
        rows = due.next_due(cursor, on, agency=agency, as_recorded=as_recorded)
    if ctx.json:
        emit_json({"at": on.isoformat(), "agency": agency,
                   "as_recorded": as_recorded.isoformat() if as_recorded else None,
                   "due": rows})
        return 0
    heading(f"Next due as of {on.isoformat()}" + (f" for {agency}" if agency else ""))
    table([(r["deadline"], r["due"], r["period"], r["summary"], r["resolution"])
           for r in rows], ["deadline", "by count", "period", "summary", "resolution"])
    for r in rows:
        if "moved_by" in r:
            print(f"  {r['due']} → {r['deadline']}: {r['moved_by']}")
    return 0


def show_diff(ctx: Context, args: argparse.Namespace) -> int:
    start = date_option(args.start, "--from")
    end = date_option(args.end, "--to")
    if end < start:
        raise InvalidInput("--to must not be before --from", field="--to")
    as_recorded = moment_option(args.as_recorded, "--as-recorded") if args.as_recorded else None
    agency = _agency(ctx, args.agency)
    with ctx.system.reading() as cursor:
        result = obligations.diff(cursor, start, end, agency=agency, as_recorded=as_recorded)
    if ctx.json:
        emit_json({"from": start.isoformat(), "to": end.isoformat(), "agency": agency,
                   "came_into_force": [r.as_dict() for r in result["came_into_force"]],
                   "went_out_of_force": [r.as_dict() for r in result["went_out_of_force"]]})
        return 0
    heading(f"Between {start.isoformat()} and {end.isoformat()}")
    for label, key in (("came into force", "came_into_force"),
                       ("went out of force", "went_out_of_force")):
        print(f"\n{label}:")
        table([(r["resolution"], r["clause"], r["bearer"], r["summary"],
                r["ended_by"] or r["in_force_from"]) for r in result[key]],
              ["resolution", "cl.", "bearer", "summary", "why"])
    return 0


def _find_resolution(cursor: Cursor, selector: str, subject: str | None) -> dict[str, Any]:
    rid = uuid_or_none(selector)
    if rid is not None:
        found = resolutions.by_id(cursor, str(rid))
        if found is None:
            raise ResolutionNotFound(f"no resolution {rid}", field="resolution")
        return found
    day = date_option(selector, "resolution")
    candidates = resolutions.on_date(cursor, day)
    if subject:
        candidates = [c for c in candidates if subject.casefold() in c["subject"].casefold()]
    if not candidates:
        raise ResolutionNotFound(f"no resolution of {day.isoformat()}"
                                 + (f" with {subject!r} in its subject" if subject else ""),
                                 field="resolution")
    if len(candidates) > 1:
        listing = "; ".join(c["subject"] for c in candidates)
        raise ResolutionNotFound(f"{len(candidates)} resolutions of {day.isoformat()}: "
                                 f"{listing}; narrow with --subject", field="resolution")
    return candidates[0]


def show_resolution(ctx: Context, args: argparse.Namespace) -> int:
    on = date_option(args.at, "--at") if args.at else date.today()
    as_recorded = moment_option(args.as_recorded, "--as-recorded") if args.as_recorded else None
    with ctx.system.reading() as cursor:
        found = _find_resolution(cursor, args.resolution, args.subject)
        status = clauses.status(cursor, found["resolution_id"], on, as_recorded=as_recorded)
    if ctx.json:
        emit_json({"resolution": found["meeting_date"], "resolution_id": found["resolution_id"],
                   "subject": found["subject"], "source": found["notice_number"]
                   or found["source"], "at": on.isoformat(),
                   "as_recorded": as_recorded.isoformat() if as_recorded else None,
                   "clauses": status})
        return 0
    heading(f"Resolution of {found['meeting_date']}: {found['subject']}")
    print(f"source: {found['notice_number'] or found['source']}; clauses as of {on.isoformat()}")
    table([(c["clause"], c["status"], c["ended_by"] or c["amended_by"] or "", c["summary"])
           for c in status], ["cl.", "status", "by", "summary"])
    return 0


def list_resolutions(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.system.reading() as cursor:
        if args.date:
            rows = resolutions.on_date(cursor, date_option(args.date, "--date"))
        else:
            rows = cursor.execute(
                "SELECT * FROM {p}reg_resolutions ORDER BY meeting_date, subject").fetchall()
    if ctx.json:
        emit_json({"resolutions": rows})
        return 0
    table([(r["meeting_date"], r["clause_count"], r["notice_number"] or r["source"], r["subject"])
           for r in rows], ["date", "clauses", "source", "subject"])
    return 0


def show_history(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.system.reading() as cursor:
        found = _find_resolution(cursor, args.resolution, args.subject)
    from uuid import UUID
    events = [_history_row(e) for e in ctx.system.register.history(UUID(found["resolution_id"]))]
    if ctx.json:
        emit_json({"resolution": found["meeting_date"], "resolution_id": found["resolution_id"],
                   "subject": found["subject"], "events": events})
        return 0
    heading(f"History of the resolution of {found['meeting_date']}: {found['subject']}")
    table([(e["version"], e["event"], e["effective"], e["document"], e["actor"],
            e["recorded_at"], e["detail"]) for e in events],
          ["v", "event", "effective", "document", "actor", "recorded", "detail"])
    return 0


def _history_row(event: Any) -> dict[str, Any]:
    name = type(event).__name__
    row: dict[str, Any] = {"version": event.originator_version, "event": name,
                           "recorded_at": event.timestamp.isoformat(),
                           "actor": str(event.actor)}
    if name == "Recorded":
        row.update(effective=event.effective_from.isoformat(), document=event.source.describe(),
                   detail=f"{len(event.clauses)} clauses")
    elif name == "ClausesRescinded":
        row.update(effective=event.effective_on.isoformat(), document=event.source.describe(),
                   detail=f"clauses {', '.join(event.clauses)} rescinded by the "
                          f"{event.by.describe()}")
    elif name == "ClauseAmended":
        row.update(effective=event.effective_from.isoformat(), document=event.source.describe(),
                   detail=f"clause {event.clause} amended by the {event.by.describe()}")
    elif name == "NoticeRecorded":
        row.update(effective=None, document=event.notice.describe(),
                   detail=f"notified to {len(event.recipients)} recipient groups")
    return row


# --- audit -------------------------------------------------------------------------


def audit_replay(ctx: Context, args: argparse.Namespace) -> int:
    progress = Progress("replaying", None)
    report = replay_views(ctx.system, progress=progress)
    progress.finish()
    payload = {"ok": report.ok, "events": report.events, "rows": report.rows,
               "live_position": report.live_position,
               "rebuilt_position": report.rebuilt_position,
               "differences": [d.__dict__ for d in report.differences]}
    if ctx.json:
        emit_json(payload)
    else:
        print(f"replayed {report.events} events into a scratch store; "
              f"{sum(report.rows.values())} view rows compared")
        for d in report.differences:
            print(f"  {d.table}: {d.only_live} rows only in the live view, "
                  f"{d.only_rebuilt} only in the rebuilt one")
        print("views match the events" if report.ok else "VIEWS DIFFER FROM THE EVENTS")
    return 0 if report.ok else 1


def audit_verify(ctx: Context, args: argparse.Namespace) -> int:
    report = verify_chain(ctx.system)
    problem = report.problem
    if problem is None and args.expect_head and args.expect_head.lower() not in (report.head,):
        problem = ("the chain is intact but its head is not the one expected: events were "
                   "removed from the end, or the chain was rebuilt with the key")
    payload = {"ok": problem is None, "checked": report.checked, "head": report.head,
               "problem": problem, "notification_id": report.notification_id}
    if ctx.json:
        emit_json(payload)
    elif problem:
        print(f"TAMPERING DETECTED after {report.checked} good events: {problem}")
    else:
        print(f"chain intact over {report.checked} events; head {report.head}")
    return 0 if problem is None else 1


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


def list_holidays(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.system.reading() as cursor:
        rows = holidays.listing(cursor)
    if ctx.json:
        emit_json({"holidays": rows})
    else:
        table([(r["day"], r["name"], r["source"], r["recorded_at"]) for r in rows],
              ["date", "name", "source", "recorded"])
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


def list_agencies(ctx: Context, args: argparse.Namespace) -> int:
    codes = sorted(ctx.system.register.known_agencies())
    if ctx.json:
        emit_json({"agencies": codes})
    else:
        print("\n".join(codes))
    return 0
