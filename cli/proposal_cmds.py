"""``cabinet proposal …`` and ``cabinet proposals``: staff moving proposals through the workflow.

Every step takes ``--as AGENCY:ROLE``; its payload comes from options, from a
YAML or JSON ``--file`` holding the step's fields, or both (options win).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ConfigDict, TypeAdapter

from cli.context import Context
from cli.files import load_structured
from cli.inputs import validated
from cli.options import command, group
from cli.proposal_queries import status_command
from cli.render import emit_json
from cli.session import handler
from cli.step_options import OptionKind, OptionSpec, option_specs, step_payload, step_verbs
from domain.errors import InvalidInput
from domain.paperwork.thai_dates import BANGKOK
from domain.permissions import Actor, Role
from domain.process.declaration import ProcessStep
from domain.process.rules import check_draft
from domain.process.steps import Draft, Step

if TYPE_CHECKING:
    from workflows.contracts import StepResult
    from workflows.desk import ProposalDesk

STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step, config=ConfigDict(defer_build=True))

STEPS: dict[str, type[ProcessStep]] = step_verbs()
"""Each step a person takes, by its command word (``request-opinions``)."""


@group("proposal", "cabinet proposal start --file draft.yaml --as OPDC:staff",
       "cabinet proposal endorse OPDC-1220-999 --as PM:head --doc-number 'นร 1220/123' "
       "--doc-date 2021-09-01",
       "cabinet proposal status OPDC-1220-999")
def proposal_group() -> None:
    """Start and move a proposal: each step a command, taken as an agency's staff or head."""


proposal_group.add_command(status_command)


def _step_command(name: str, step_type: type[ProcessStep], body: Callable[..., int],
                  example: str) -> click.Command:
    """A step's command: ``--as``, ``--file`` and the options its model declares."""
    made = command(name, example, parent=proposal_group,
                   help=_first_line(step_type.__doc__))(handler(body))
    made.params.extend([
        click.Option(["--as", "actor"], required=True, metavar="AGENCY:ROLE",
                     help="who acts, e.g. NESDC:staff or PM:head"),
        click.Option(["--file"], metavar="FILE", help="YAML or JSON with the step's fields"),
        *(_option(spec) for spec in option_specs(step_type))])
    return made


def _option(spec: OptionSpec) -> click.Option:
    """The click option of a step's field (``cli.step_options`` says which)."""
    if spec.kind is OptionKind.FLAG:
        return click.Option([spec.flag, spec.dest], is_flag=True, default=None, help=spec.help)
    return click.Option([spec.flag, spec.dest], multiple=spec.repeatable, help=spec.help,
                        type=click.Choice(spec.choices) if spec.choices else None,
                        metavar=spec.metavar)


def _typed(options: dict[str, Any]) -> dict[str, Any]:
    # What was not typed is absent, as a file's fields are kept unless overridden.
    return {name: value for name, value in options.items()
            if value is not None and value is not False and value != ()}


def _first_line(text: str | None) -> str | None:
    return text.strip().splitlines()[0] if text else None


def _actor(text: str) -> Actor:
    actor: Actor = validated(Actor, text, "--as")
    if actor.role is Role.SYSTEM:
        raise InvalidInput("the system role is the engine's; staff act as staff or head",
                           field="--as")
    return actor


def _payload(options: dict[str, Any], step_type: type[ProcessStep],
             actor: Actor) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if options.get("file"):
        loaded = load_structured(Path(options["file"]))
        if not isinstance(loaded, dict):
            raise InvalidInput("the file must hold the step's fields as a mapping", field="file")
        fields = loaded
    return step_payload(step_type, _typed(options), acting_agency=actor.agency, fields=fields,
                        read_file=lambda name: load_structured(Path(name)))


async def _desk(ctx: Context) -> ProposalDesk:
    # Imported here: the workflow engine's client is for the steps alone.
    from workers.temporal import connect
    from workflows.desk import ProposalDesk

    client = await connect(ctx.settings)
    return ProposalDesk(client, ctx.system.register, ctx.settings.task_queue)


def start_proposal(ctx: Context, reminder_days: int, **options: Any) -> int:
    actor = _actor(options["actor"])
    data = _payload(options, Draft, actor)
    data.setdefault("proposer", actor.agency)
    draft: Draft = validated(Draft, data)
    # The acting day is Bangkok's: a memo dated after it is refused before anything
    # is sent (and the workflow engine need not be up to say so).
    today = datetime.now(BANGKOK).date()
    check_draft(draft, actor, today)

    async def go() -> str:
        return await (await _desk(ctx)).start(draft, actor, reminder_days=reminder_days,
                                              today=today)

    workflow_id = asyncio.run(go())
    if ctx.json:
        emit_json({"proposal": workflow_id, "stage": "drafted"})
    else:
        print(f"started proposal {workflow_id}; next: {draft.supervisor}: endorse")
    return 0


def take_step(ctx: Context, verb: str, proposal: str, **options: Any) -> int:
    actor = _actor(options["actor"])
    step = STEP_ADAPTER.validate_python(_payload(options, STEPS[verb], actor))

    from cli.pending_steps import PendingSteps
    from domain.errors import RegisterError

    pending = PendingSteps(ctx.settings.data_dir)
    key = pending.key_for(proposal, actor, step)

    async def go() -> StepResult:
        return await (await _desk(ctx)).act(proposal, step, actor, key=key)

    try:
        result = asyncio.run(go())
    except RegisterError:
        pending.settled(proposal, actor, step)  # refused: the outcome is known
        raise
    # Any other failure leaves the key kept: the same command, run again, retries this step.
    pending.settled(proposal, actor, step)
    if ctx.json:
        emit_json({"proposal": proposal, **result.model_dump(mode="json")})
    else:
        done = "recorded" if result.recorded else "was already recorded"
        print(f"{proposal}: {verb} {done}; now {result.stage}; next: {result.next_to_act}")
    return 0


start_command = _step_command("start", Draft, start_proposal,
                              "cabinet proposal start --file draft.yaml --as OPDC:staff")
start_command.help = "Draft a new proposal."
start_command.params.append(click.Option(
    ["--reminder-days"], type=int, default=3, show_default=True, metavar="DAYS",
    help="days before an opinion's deadline to remind the agency"))

for _verb, _step_type in STEPS.items():
    _made = _step_command(_verb, _step_type, functools.partial(take_step, verb=_verb),
                          f"cabinet proposal {_verb} OPDC-1220-999 --as AGENCY:ROLE "
                          "--file step.yaml")
    _made.params.insert(0, click.Argument(["proposal"], metavar="ID",
                                          help="the proposal's workflow id"))
