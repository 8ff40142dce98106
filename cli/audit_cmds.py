"""``cabinet audit replay|verify`` and ``cabinet rebuild``: the views and the chain, checked."""

from __future__ import annotations

import argparse

from cli.context import Context
from cli.render import Progress, emit_answer
from projections.queries import audit
from projections.rebuild import MODELS, models_named


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", parents=[common], help="replay the views; verify the chain")
    asub = p.add_subparsers(dest="audit_command", required=True)
    r = asub.add_parser("replay", parents=[common],
                        help="rebuild every view in a scratch store and compare")
    r.set_defaults(handler=audit_replay)
    v = asub.add_parser("verify", parents=[common], help="check the chain over stored events")
    v.add_argument("--expect-head", metavar="HEX",
                   help="the chain head an earlier verify printed (catches a cut-off tail)")
    v.set_defaults(handler=audit_verify)

    p = sub.add_parser("rebuild", parents=[common],
                       help="rebuild read models from the events, in place",
                       description="Drop a read model's tables and fill them again from the "
                                   "event log, while writers wait. A read model the store "
                                   "lacks is filled this way the first time it is read.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", action="append", choices=list(MODELS), metavar="NAME",
                       help=f"a read model to rebuild (repeat): {', '.join(MODELS)}")
    which.add_argument("--all", action="store_true", help="every read model")
    p.set_defaults(handler=rebuild_models)


def audit_replay(ctx: Context, args: argparse.Namespace) -> int:
    progress = Progress("replaying", None)
    answer = audit.replay(ctx.system, progress=progress)
    progress.finish()
    if ctx.json:
        emit_answer(answer)
    else:
        print(f"replayed {answer.events} events into a scratch store; "
              f"{sum(answer.rows.values())} view rows compared")
        for d in answer.differences:
            print(f"  {d.table}: {d.only_live} rows only in the live view, "
                  f"{d.only_rebuilt} only in the rebuilt one")
        print("views match the events" if answer.ok else "VIEWS DIFFER FROM THE EVENTS")
    return 0 if answer.ok else 1


def audit_verify(ctx: Context, args: argparse.Namespace) -> int:
    answer = audit.verify(ctx.system, expect_head=args.expect_head)
    if ctx.json:
        emit_answer(answer)
    elif answer.problem:
        print(f"TAMPERING DETECTED after {answer.checked} good events: {answer.problem}")
    else:
        print(f"chain intact over {answer.checked} events; head {answer.head}")
    return 0 if answer.ok else 1


def rebuild_models(ctx: Context, args: argparse.Namespace) -> int:
    models = models_named(list(MODELS) if args.all else args.model, field="--model")
    progress = Progress("rebuilding", None)
    report = ctx.system.rebuild(models, progress=progress)
    progress.finish()
    if ctx.json:
        emit_answer(report)
    else:
        print(f"rebuilt {', '.join(report.models)} from {report.events} events "
              f"(to log position {report.position})")
    return 0
