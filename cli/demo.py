"""``cabinet demo``: the reference case end to end in a temporary folder.

Its own embedded Temporal dev server and worker; the earlier resolutions are
imported as history, and OPDC's 2021 proposal goes through the workflow step
by step, each step taken by the agency the case says took it. Then the
register answers the case's questions, before and after the decision.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from cli.context import Context
from cli.files import load_structured
from cli.inputs import validated
from cli.options import command
from cli.render import emit_json, table
from cli.session import handler
from domain.process.steps import Draft
from domain.register.records import ImportFile
from projections.queries import due, obligations
from workers.bootstrap import RegisterSystem, open_register
from workers.dev_server import DevServer
from workers.settings import Settings
from workers.temporal import build_worker, free_port
from workflows.desk import ProposalDesk

CASE_FILE = Path(__file__).resolve().parent.parent / "examples" / "emenscr-2021.yaml"
QUESTIONS = (date(2020, 6, 1), date(2021, 6, 1), date(2021, 11, 10))
DUE_QUESTIONS = (date(2020, 6, 1), date(2021, 12, 15))


@command("demo", "cabinet demo", "cabinet demo --keep --json", "cabinet demo --serve")
@click.option("--keep", is_flag=True, help="keep the temporary folder")
@click.option("--serve", is_flag=True,
              help="then serve the web desk and the API on loopback (with an account for "
                   "each agency of the case) until Ctrl-C")
@handler
def demo_command(ctx: Context, keep: bool, serve: bool) -> int:
    """Run the reference case end to end in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="cabinet-demo-"))
    settings = Settings(data_dir=folder, log_format=ctx.settings.log_format,
                        task_queue="cabinet-demo", development=True,
                        temporal_port=ctx.settings.temporal_port,
                        temporal_ui_port=ctx.settings.temporal_ui_port,
                        web=replace(ctx.settings.web, secret_key=None))
    say = (lambda _: None) if ctx.json else print
    try:
        result = asyncio.run(_run(settings, say))
        result["data_dir"] = str(folder) if keep or serve else None
        if ctx.json:
            emit_json(result)
        else:
            _print_answers(result)
        if serve:
            _serve(settings)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def _serve(settings: Settings) -> None:
    # Imported here: a demo that only answers does not load the HTTP app.
    from cli.demo_desk import add_case_accounts, announce_accounts
    from cli.process_cmds import until_signalled
    from workers.processes import serve

    case: ImportFile = validated(ImportFile, load_structured(CASE_FILE))
    system = open_register(settings)
    try:
        made = add_case_accounts(system, case)
    finally:
        system.close()
    announce_accounts(made, print)
    print(f"\nThe web desk: {settings.web.base_url}/ (Ctrl-C stops everything)", flush=True)
    until_signalled(lambda stop: serve(settings, stop, lambda line: print(line, flush=True)))


async def _run(settings: Settings, say: Any) -> dict[str, Any]:
    case: ImportFile = validated(ImportFile, load_structured(CASE_FILE))
    server = DevServer(db_file=settings.temporal_db_path, port=free_port(), ui_port=None,
                       log_file=settings.data_dir / "temporal.log")
    server.start()
    system = open_register(settings)
    try:
        client = await server.wait_ready()
        history = system.register.import_file(case.model_copy(update={"proposals": ()}))
        say(f"Imported the earlier resolutions ({history} events) into {settings.data_dir}")
        before = _in_force(system)
        steps = []
        async with build_worker(client, system.register, settings.task_queue):
            desk = ProposalDesk(client, system.register, settings.task_queue)
            steps = await _drive(desk, case, say)
            outcome = await desk.outcome(steps[0]["proposal"])
        say(f"Proposal {outcome.workflow_id}: {outcome.outcome} at the meeting of "
            f"{outcome.meeting_date}")
        system.catch_up()
        return {"steps": steps, "outcome": outcome.model_dump(mode="json"),
                "before": before, **_answers(system)}
    finally:
        system.close()
        server.stop()


async def _drive(desk: ProposalDesk, case: ImportFile, say: Any) -> list[dict[str, Any]]:
    taken: list[dict[str, Any]] = []
    workflow_id = ""
    for number, record in enumerate(case.proposals[0].steps, start=1):
        if isinstance(record.step, Draft):
            workflow_id = await desk.start(record.step, record.actor)
            stage, following = "drafted", f"{record.step.supervisor}: endorse"
        else:
            result = await desk.act(workflow_id, record.step, record.actor)
            stage, following = result.stage, result.next_to_act
        taken.append({"proposal": workflow_id, "step": record.step.step,
                      "actor": str(record.actor), "stage": stage, "next": following})
        say(f"{number:2}. {record.actor!s:11} {record.step.step:17} → {stage:24} "
            f"next: {following}")
    return taken


def _in_force(system: RegisterSystem) -> dict[str, list[dict[str, Any]]]:
    return {d.isoformat(): obligations.in_force(system, d).as_json()["obligations"]
            for d in QUESTIONS}


def _answers(system: RegisterSystem) -> dict[str, Any]:
    next_due = {d.isoformat(): due.due(system, d, agency="MOI").as_json()["due"]
                for d in DUE_QUESTIONS}
    return {"in_force": _in_force(system), "due_for_MOI": next_due}


def _print_answers(result: dict[str, Any]) -> None:
    for label, answers in (("before the proposal", result["before"]),
                           ("after the decision and notice", result["in_force"])):
        print(f"\nObligations in force, {label}:")
        for day, rows in answers.items():
            print(f"  on {day}:")
            table([(r["resolution"], r["clause"], r["bearer"], r["summary"]) for r in rows],
                  ["resolution", "cl.", "bearer", "summary"])
    for day, rows in result["due_for_MOI"].items():
        print(f"\nDue next for MOI as of {day}:")
        table([(r["summary"], r["due"], r["deadline"], r.get("moved_by", ""))
               for r in rows], ["summary", "by count", "deadline", "moved by"])
