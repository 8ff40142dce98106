"""``cabinet proposal status``, ``cabinet proposals`` and ``cabinet refusals``: from the register.

Every step a proposal took is in the register, whether a workflow took it or
an import recorded it, so these answer without the workflow engine.
"""

from __future__ import annotations

import argparse
from datetime import date

from cli.context import Context
from cli.inputs import date_option
from cli.render import emit_answer, table
from projections.queries import proposals


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("refusals", parents=[common], help="refused attempts, for auditors",
                       description="Steps the engine refused: who tried what, when, and why. "
                                   "A refused step changes nothing, so this is its only trace.")
    p.add_argument("--proposal", metavar="ID", help="only this proposal's (its workflow id)")
    p.set_defaults(handler=show_refusals)


def show_status(ctx: Context, args: argparse.Namespace) -> int:
    status = proposals.status(ctx.system, args.proposal)
    if ctx.json:
        return emit_answer(status)
    print(f"{status.workflow_id}: {status.title}")
    print(f"stage: {status.stage}; next: {status.next_to_act}"
          + (f"; meeting {status.meeting_date}" if status.meeting_date else "")
          + (f"; outcome {status.outcome}" if status.outcome else ""))
    if status.opinions:
        print("\nopinions:")
        table([(o.agency, o.status, o.due, "yes" if o.overdue else "", o.stance or "",
                o.letter or "") for o in status.opinions],
              ["agency", "status", "due", "overdue", "stance", "letter"])
    print("\nhistory:")
    table([(h.at[:19], h.step, h.actor,
             h.note + (f" [corrected: {h.correction}]" if h.correction else ""))
           for h in status.history],
          ["at (UTC)", "step", "actor", "note"])
    return 0


def show_board(ctx: Context, args: argparse.Namespace) -> int:
    today = date_option(args.at, "--at") if args.at else date.today()
    answer = proposals.board(ctx.system, today, include_closed=args.all)
    if ctx.json:
        return emit_answer(answer)
    table([(r.workflow_id, r.stage, r.next, ", ".join(r.overdue), r.title)
           for r in answer.proposals], ["proposal", "stage", "next", "overdue", "title"])
    return 0


def show_refusals(ctx: Context, args: argparse.Namespace) -> int:
    answer = proposals.refused(ctx.system, args.proposal)
    if ctx.json:
        return emit_answer(answer)
    table([(r.refused_at[:19], r.proposal, r.step, r.actor,
            f"{r.field}: {r.reason}" if r.field else r.reason) for r in answer.refusals],
          ["at (UTC)", "proposal", "step", "actor", "reason"])
    return 0
