"""``cabinet audit replay|verify`` and ``cabinet rebuild``: the views and the chain, checked."""

from __future__ import annotations

import click

from cli.context import Context
from cli.options import command, group
from cli.render import Progress, emit_answer, emit_json
from cli.session import handler
from projections.queries import audit
from projections.rebuild import MODELS, models_named


@group("audit", "cabinet audit replay", "cabinet audit verify --expect-head 3f9a…")
def audit_group() -> None:
    """Replay the views from the events; verify the chain over the stored events.

    An operator's command: acts on the data folder's store directly, not through the HTTP API.
    """


@command("replay", "cabinet audit replay", "cabinet audit replay --json", parent=audit_group)
@handler
def audit_replay(ctx: Context) -> int:
    """Rebuild every view in a scratch store and compare it with the live one.

    An operator's command: acts on the data folder's store directly, not through the HTTP API.
    """
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


@command("verify", "cabinet audit verify",
         "cabinet audit verify --expect-head HEX --json", parent=audit_group)
@click.option("--expect-head", metavar="HEX",
              help="the chain head an earlier verify printed (catches a cut-off tail)")
@handler
def audit_verify(ctx: Context, expect_head: str | None) -> int:
    """Check the chain of hashes over every stored event.

    An operator's command: acts on the data folder's store directly, not through the HTTP API.
    """
    answer = audit.verify(ctx.system, expect_head=expect_head)
    if ctx.json:
        emit_answer(answer)
    elif answer.problem:
        print(f"TAMPERING DETECTED after {answer.checked} good events: {answer.problem}")
    else:
        print(f"chain intact over {answer.checked} events; head {answer.head}")
    return 0 if answer.ok else 1


@command("rebuild", "cabinet rebuild --model obligations", "cabinet rebuild --all --json")
@click.option("--model", "model", multiple=True, type=click.Choice(list(MODELS)),
              metavar="NAME", help=f"a read model to rebuild (repeat): {', '.join(MODELS)}")
@click.option("--all", "every", is_flag=True, help="every read model")
@handler
def rebuild_command(ctx: Context, model: tuple[str, ...], every: bool) -> int:
    """Rebuild read models from the events, in place.

    An operator's command: acts on the data folder's store directly, not through the HTTP API.

    Drop a read model's tables and fill them again from the event log, while
    writers wait. A read model the store lacks is filled this way the first
    time it is read.
    """
    if every == bool(model):
        raise click.UsageError("give --model NAME (repeatable) or --all, not both",
                               click.get_current_context())
    models = models_named(list(MODELS) if every else list(model), field="--model")
    progress = Progress("rebuilding", None)
    report = ctx.system.rebuild(models, progress=progress)
    progress.finish()
    if ctx.json:
        emit_answer(report)
    else:
        print(f"rebuilt {', '.join(report.models)} from {report.events} events "
              f"(to log position {report.position})")
    return 0


@command("migrate", "cabinet migrate", "CABINET_STORE=postgres cabinet migrate --json")
@handler
def migrate_command(ctx: Context) -> int:
    """Create the store's tables, or bring them up to this release; then exit.

    An operator's command: acts on the data folder's store directly, not through the HTTP API.

    The event store's tables, the chain's, the accounts' credentials, and the
    views: a read model that is new or changed in this release is rebuilt from
    the log, and the views catch up. Run it once per release before the
    processes start (the production stack does); without it, the first process
    to open a new store does the same, under a lock, and every later open only
    reads the catalogue.
    """
    from workers.storage.credentials import open_credentials

    applied = ctx.system.catch_up()
    open_credentials(ctx.system)  # the accounts' credential tables, beside the views
    position = ctx.system.view.position(ctx.system.register.name)
    if ctx.json:
        emit_json({"ok": True, "applied": applied, "position": position})
    else:
        print(f"store ready: views at log position {position}"
              + (f" ({applied} events applied)" if applied else ""))
    return 0
