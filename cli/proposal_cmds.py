"""``cabinet proposal …`` and ``cabinet proposals``: staff moving proposals through the workflow.

Every step takes ``--as AGENCY:ROLE``; its payload comes from options, from a
YAML or JSON ``--file`` holding the step's fields, or both (options win).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from cli import proposal_queries
from cli.context import Context
from cli.inputs import load_structured, validated
from cli.render import emit_json
from cli.step_options import OptionKind, OptionSpec, option_specs, step_payload, step_verbs
from domain.errors import InvalidInput
from domain.permissions import Actor, Role
from domain.process.declaration import ProcessStep
from domain.process.steps import Draft, Step
from workers.temporal import connect
from workflows.contracts import StepResult
from workflows.desk import ProposalDesk

STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step)

STEPS: dict[str, type[ProcessStep]] = step_verbs()
"""Each step a person takes, by its command word (``request-opinions``)."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("proposal", parents=[common], help="start and move a proposal")
    psub = p.add_subparsers(dest="proposal_command", required=True, metavar="STEP")

    start = psub.add_parser("start", parents=[common], help="draft a new proposal")
    _actor_and_file(start)
    _step_options(Draft, start)
    start.add_argument("--reminder-days", type=int, default=3)
    start.set_defaults(handler=start_proposal)

    for verb, step_type in STEPS.items():
        s = psub.add_parser(verb, parents=[common], help=_first_line(step_type.__doc__))
        s.add_argument("proposal", metavar="ID", help="the proposal's workflow id")
        _actor_and_file(s)
        _step_options(step_type, s)
        s.set_defaults(handler=take_step, verb=verb)

    status = psub.add_parser("status", parents=[common], help="stage, next actor, deadlines")
    status.add_argument("proposal", metavar="ID")
    status.set_defaults(handler=proposal_queries.show_status)

    b = sub.add_parser("proposals", parents=[common], help="the board of open proposals")
    b.add_argument("--all", action="store_true", help="include closed proposals")
    b.add_argument("--at", help="the day to judge overdue opinions on (today)")
    b.set_defaults(handler=proposal_queries.show_board)


def _actor_and_file(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="actor", required=True, metavar="AGENCY:ROLE",
                   help="who acts, e.g. NESDC:staff or PM:head")
    p.add_argument("--file", help="YAML or JSON with the step's fields")


def _step_options(step_type: type[ProcessStep], p: argparse.ArgumentParser) -> None:
    for spec in option_specs(step_type):
        _add_option(p, spec)


def _add_option(p: argparse.ArgumentParser, spec: OptionSpec) -> None:
    options: dict[str, Any] = {"dest": spec.dest, "help": spec.help}
    if spec.kind is OptionKind.FLAG:
        options.update(action="store_true", default=None)
    elif spec.repeatable:
        options["action"] = "append"
    if spec.choices:
        options["choices"] = list(spec.choices)
    if spec.metavar:
        options["metavar"] = spec.metavar
    p.add_argument(spec.flag, **options)


def _first_line(text: str | None) -> str | None:
    return text.strip().splitlines()[0] if text else None


def _actor(text: str) -> Actor:
    actor: Actor = validated(Actor, text, "--as")
    if actor.role is Role.SYSTEM:
        raise InvalidInput("the system role is the engine's; staff act as staff or head",
                           field="--as")
    return actor


def _payload(args: argparse.Namespace, step_type: type[ProcessStep],
             actor: Actor) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if args.file:
        loaded = load_structured(Path(args.file))
        if not isinstance(loaded, dict):
            raise InvalidInput("the file must hold the step's fields as a mapping", field="file")
        fields = loaded
    return step_payload(step_type, vars(args), acting_agency=actor.agency, fields=fields,
                        read_file=lambda name: load_structured(Path(name)))


async def _desk(ctx: Context) -> ProposalDesk:
    client = await connect(ctx.settings)
    return ProposalDesk(client, ctx.system.register, ctx.settings.task_queue)


def start_proposal(ctx: Context, args: argparse.Namespace) -> int:
    actor = _actor(args.actor)
    data = _payload(args, Draft, actor)
    data.setdefault("proposer", actor.agency)
    draft: Draft = validated(Draft, data)

    async def go() -> str:
        return await (await _desk(ctx)).start(draft, actor, reminder_days=args.reminder_days)

    workflow_id = asyncio.run(go())
    if ctx.json:
        emit_json({"proposal": workflow_id, "stage": "drafted"})
    else:
        print(f"started proposal {workflow_id}; next: {draft.supervisor}: endorse")
    return 0


def take_step(ctx: Context, args: argparse.Namespace) -> int:
    actor = _actor(args.actor)
    step = STEP_ADAPTER.validate_python(_payload(args, STEPS[args.verb], actor))

    async def go() -> StepResult:
        return await (await _desk(ctx)).act(args.proposal, step, actor)

    result = asyncio.run(go())
    if ctx.json:
        emit_json({"proposal": args.proposal, **result.model_dump(mode="json")})
    else:
        print(f"{args.proposal}: {args.verb} recorded; now {result.stage}; "
              f"next: {result.next_to_act}")
    return 0
