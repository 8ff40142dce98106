"""``cabinet proposal status``, ``cabinet proposals`` and ``cabinet refusals``: from the register.

Every step a proposal took is in the register, whether a workflow took it or
an import recorded it, so these answer without the workflow engine.
"""

from __future__ import annotations

from datetime import date

import click

from cli.context import Context
from cli.inputs import date_option
from cli.options import argument, command, wide_option
from cli.render import emit_answer, table
from cli.session import handler
from projections.queries import proposals


@command("status", "cabinet proposal status OPDC-1220-999",
         "cabinet proposal status OPDC-1220-999 --json")
@argument("proposal", "the proposal's workflow id", metavar="ID")
@wide_option
@handler
def status_command(ctx: Context, proposal: str) -> int:
    """Stage, next actor, opinions and deadlines, from the register."""
    status = proposals.status(ctx.system, proposal)
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


@command("proposals", "cabinet proposals", "cabinet proposals --all --at 2021-11-01 --json")
@click.option("--all", "include_closed", is_flag=True, help="include closed proposals")
@click.option("--at", metavar="DATE", help="the day to judge overdue opinions on (today)")
@wide_option
@handler
def board_command(ctx: Context, include_closed: bool, at: str | None) -> int:
    """The board of open proposals: stage, who acts next, overdue opinions."""
    today = date_option(at, "--at") if at else date.today()
    answer = proposals.board(ctx.system, today, include_closed=include_closed)
    if ctx.json:
        return emit_answer(answer)
    table([(r.workflow_id, r.stage, r.next, ", ".join(r.overdue), r.title)
           for r in answer.proposals], ["proposal", "stage", "next", "overdue", "title"])
    return 0


@command("refusals", "cabinet refusals", "cabinet refusals --proposal OPDC-1220-999 --json")
@click.option("--proposal", metavar="ID", help="only this proposal's (its workflow id)")
@wide_option
@handler
def refusals_command(ctx: Context, proposal: str | None) -> int:
    """Refused attempts, for auditors.

    Steps the engine refused: who tried what, when, and why. A refused step
    changes nothing, so this is its only trace.
    """
    answer = proposals.refused(ctx.system, proposal)
    if ctx.json:
        return emit_answer(answer)
    table([(r.refused_at[:19], r.proposal, r.step,
            f"{r.actor} ({r.username})" if r.username else r.actor,
            f"{r.field}: {r.reason}" if r.field else r.reason) for r in answer.refusals],
          ["at (UTC)", "proposal", "step", "actor", "reason"])
    return 0
