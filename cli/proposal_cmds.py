"""``cabinet proposal …`` and ``cabinet proposals``: staff moving proposals through the workflow.

Every step is sent to the register's HTTP API as the signed-in person
(``cabinet login``; the token says who acts, ``cli.remote``); its payload comes
from options, from a YAML or JSON ``--file`` holding the step's fields, or both
(options win). A step's idempotency key is kept until its outcome is known
(``cli.pending_steps``), so the same command run again is the same step.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from domain.permissions import Actor
from domain.process.declaration import ProcessStep
from domain.process.rules import check_draft
from domain.process.steps import Draft, Step

STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step, config=ConfigDict(defer_build=True))

STEPS: dict[str, type[ProcessStep]] = step_verbs()
"""Each step a person takes, by its command word (``request-opinions``)."""


@group("proposal", "cabinet proposal start --file draft.yaml",
       "cabinet proposal endorse OPDC-1220-999 --doc-number 'นร 1220/123' "
       "--doc-date 2021-09-01",
       "cabinet proposal status OPDC-1220-999")
def proposal_group() -> None:
    """Start and move a proposal: each step a command, taken as the signed-in person."""


proposal_group.add_command(status_command)


def _step_command(name: str, step_type: type[ProcessStep], body: Callable[..., int],
                  example: str) -> click.Command:
    """A step's command: ``--file`` and the options its model declares."""
    made = command(name, example, parent=proposal_group,
                   help=_first_line(step_type.__doc__))(handler(body))
    made.params.extend([
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


def start_proposal(ctx: Context, reminder_days: int, **options: Any) -> int:
    remote = ctx.remote
    actor = remote.actor
    data = _payload(options, Draft, actor)
    data.setdefault("proposer", actor.agency)
    draft: Draft = validated(Draft, data)
    # The acting day is Bangkok's: a memo dated after it is refused before anything
    # is sent (the server checks again, and is the one that decides).
    today = datetime.now(BANGKOK).date()
    check_draft(draft, actor, today)
    answer = remote.call("POST", "/api/proposals", body=draft.model_dump(mode="json"),
                         params={"reminder_days": reminder_days})
    workflow_id = str(answer["workflow_id"])
    if ctx.json:
        emit_json({"proposal": workflow_id, "stage": "drafted"})
    else:
        print(f"started proposal {workflow_id}; next: {draft.supervisor}: endorse")
    return 0


def take_step(ctx: Context, verb: str, proposal: str, **options: Any) -> int:
    from cli.pending_steps import PendingSteps
    from cli.remote import RemoteRefusal
    from workflows.contracts import StepResult

    remote = ctx.remote
    actor = remote.actor
    step = STEP_ADAPTER.validate_python(_payload(options, STEPS[verb], actor))
    pending = PendingSteps(ctx.settings.client.config_dir)
    key = pending.key_for(proposal, actor, step)
    try:
        answer = remote.call("POST", f"/api/proposals/{quote(proposal, safe='')}/steps/"
                             f"{step.step}", body=step.model_dump(mode="json"),
                             headers={"Idempotency-Key": key})
    except RemoteRefusal:
        pending.settled(proposal, actor, step)  # refused: the outcome is known
        raise
    # Any other failure leaves the key kept: the same command, run again, retries this step.
    pending.settled(proposal, actor, step)
    result = StepResult.model_validate(answer)
    if ctx.json:
        emit_json({"proposal": proposal, **result.model_dump(mode="json")})
    else:
        done = "recorded" if result.recorded else "was already recorded"
        print(f"{proposal}: {verb} {done}; now {result.stage}; next: {result.next_to_act}")
    return 0


start_command = _step_command("start", Draft, start_proposal,
                              "cabinet proposal start --file draft.yaml")
start_command.help = "Draft a new proposal."
start_command.params.append(click.Option(
    ["--reminder-days"], type=int, default=3, show_default=True, metavar="DAYS",
    help="days before an opinion's deadline to remind the agency"))

for _verb, _step_type in STEPS.items():
    _made = _step_command(_verb, _step_type, functools.partial(take_step, verb=_verb),
                          f"cabinet proposal {_verb} OPDC-1220-999 --file step.yaml")
    _made.params.insert(0, click.Argument(["proposal"], metavar="ID",
                                          help="the proposal's workflow id"))
