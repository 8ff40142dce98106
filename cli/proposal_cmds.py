"""``cabinet proposal …`` and ``cabinet proposals``: staff moving proposals through the workflow.

Every step takes ``--as AGENCY:ROLE``; its payload comes from options, from a
YAML or JSON ``--file`` holding the step's fields, or both (options win).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from pydantic import TypeAdapter

from cli import proposal_queries
from cli.context import Context
from cli.inputs import load_structured, validated
from cli.render import emit_json
from domain.errors import InvalidInput
from domain.permissions import Actor, Role
from domain.process.steps import Draft, Step
from workers.temporal import connect
from workflows.contracts import StepResult
from workflows.desk import ProposalDesk

STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step)

# verb: (step name, the field holding its document, that document's usual kind)
STEPS: dict[str, tuple[str, str | None, str | None]] = {
    "endorse": ("endorse", "document", "memo"),
    "approve": ("approve", "document", "annotation"),
    "submit": ("submit", "letter", "letter"),
    "request-opinions": ("request_opinions", "letter", "letter"),
    "opinion": ("opinion", "letter", "letter"),
    "amend": ("amend", "letter", "letter"),
    "request-review": ("request_review", "letter", "letter"),
    "extend": ("extend", None, None),
    "proceed-without": ("proceed_without", None, None),
    "schedule": ("schedule", None, None),
    "decide": ("decide", None, None),
    "notify": ("notify", "circular", "circular"),
    "withdraw": ("withdraw", "letter", "letter"),
}


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("proposal", parents=[common], help="start and move a proposal")
    psub = p.add_subparsers(dest="proposal_command", required=True, metavar="STEP")

    start = psub.add_parser("start", parents=[common], help="draft a new proposal")
    _actor_and_file(start)
    _document_options(start)
    start.add_argument("--title")
    start.add_argument("--supervisor", help="the supervising Deputy PM's code (default DPM)")
    start.add_argument("--items", type=str, help="YAML/JSON file with the proposed items")
    start.add_argument("--reminder-days", type=int, default=3)
    start.set_defaults(handler=start_proposal)

    for verb, (step, document, _) in STEPS.items():
        s = psub.add_parser(verb, parents=[common], help=f"record the {step} step")
        s.add_argument("proposal", metavar="ID", help="the proposal's workflow id")
        _actor_and_file(s)
        if document:
            _document_options(s)
        _step_options(verb, s)
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


def _document_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--doc-number", help="the letter number as written")
    p.add_argument("--doc-date", help="the document's date (ISO or Thai)")
    p.add_argument("--doc-kind", help="letter, memo, circular, annotation, stamp, meeting")
    p.add_argument("--doc-title")
    p.add_argument("--doc-note")
    p.add_argument("--issuer", help="the issuing agency (default: the acting agency)")


def _step_options(verb: str, p: argparse.ArgumentParser) -> None:
    add = p.add_argument
    if verb == "endorse":
        add("--remarks")
    elif verb == "submit":
        add("--legal-basis")
        add("--urgent", action="store_true", default=None)
    elif verb in ("request-opinions", "request-review"):
        add("--ask", action="append", metavar="AGENCY:DUE",
            help="an agency and its deadline, e.g. NESDC:2021-10-22 (repeat)")
    elif verb == "opinion":
        add("--agency", help="whose opinion (default: the acting agency)")
        add("--stance", choices=["concur", "concur_with_remarks", "object"])
        add("--remark", action="append", dest="remarks")
    elif verb == "amend":
        add("--items", help="YAML/JSON file with the added or replaced items")
    elif verb in ("extend", "proceed-without"):
        add("--agency", required=False)
        add("--reason")
        if verb == "extend":
            add("--due")
    elif verb == "schedule":
        add("--meeting", dest="meeting_date")
        add("--agenda-item")
    elif verb == "decide":
        add("--outcome", choices=["approved", "approved_with_modifications", "rejected",
                                  "deferred", "returned"])
        add("--meeting", dest="meeting_date")
        add("--items", dest="approved_items", help="approved items, e.g. 1,2 (default all)")
        add("--next-meeting")
        add("--reasons")
    elif verb == "notify":
        add("--recipient", action="append", dest="recipients")
    elif verb == "withdraw":
        add("--reason")


def _actor(text: str) -> Actor:
    actor: Actor = validated(Actor, text, "--as")
    if actor.role is Role.SYSTEM:
        raise InvalidInput("the system role is the engine's; staff act as staff or head",
                           field="--as")
    return actor


def _payload(args: argparse.Namespace, step: str, document: str | None,
             kind: str | None, actor: Actor) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if args.file:
        loaded = load_structured(_path(args.file))
        if not isinstance(loaded, dict):
            raise InvalidInput("the file must hold the step's fields as a mapping", field="file")
        data.update(loaded)
    data["step"] = step
    if document and any(getattr(args, f"doc_{k}", None) for k in
                        ("number", "date", "kind", "title", "note")):
        current = dict(data.get(document) or {})
        current.setdefault("kind", kind)
        current.setdefault("issuer", args.issuer or actor.agency)
        for key in ("number", "date", "kind", "title", "note"):
            value = getattr(args, f"doc_{key}", None)
            if value is not None:
                current[key] = value
        data[document] = current
    for name in ("remarks", "legal_basis", "urgent", "agency", "stance", "reason", "due",
                 "meeting_date", "agenda_item", "outcome", "next_meeting", "reasons",
                 "recipients"):
        value = getattr(args, name, None)
        if value is not None:
            data[name] = value
    if step == "opinion":
        data.setdefault("agency", actor.agency)
    if getattr(args, "ask", None):
        data["requests"] = [_ask(a) for a in args.ask]
    if getattr(args, "approved_items", None):
        data["approved_items"] = [i.strip() for i in args.approved_items.split(",")]
    if step == "amend" and getattr(args, "items", None):
        data["items"] = load_structured(_path(args.items))
    return data


def _ask(text: str) -> dict[str, str]:
    agency, _, due = text.partition(":")
    if not due:
        raise InvalidInput(f"{text!r} should be AGENCY:DUE, e.g. NESDC:2021-10-22",
                           field="--ask")
    return {"agency": agency, "due": due}


def _path(text: str) -> Any:
    from pathlib import Path
    return Path(text)


async def _desk(ctx: Context) -> ProposalDesk:
    client = await connect(ctx.settings)
    return ProposalDesk(client, ctx.system.register, ctx.settings.task_queue)


def start_proposal(ctx: Context, args: argparse.Namespace) -> int:
    actor = _actor(args.actor)
    data = _payload(args, "draft", "memo", "memo", actor)
    data.setdefault("proposer", actor.agency)
    if args.title:
        data["title"] = args.title
    if args.supervisor:
        data["supervisor"] = args.supervisor
    if args.items:
        data["items"] = load_structured(_path(args.items))
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
    step_name, document, kind = STEPS[args.verb]
    step = STEP_ADAPTER.validate_python(_payload(args, step_name, document, kind, actor))

    async def go() -> StepResult:
        return await (await _desk(ctx)).act(args.proposal, step, actor)

    result = asyncio.run(go())
    if ctx.json:
        emit_json({"proposal": args.proposal, **result.model_dump(mode="json")})
    else:
        print(f"{args.proposal}: {args.verb} recorded; now {result.stage}; "
              f"next: {result.next_to_act}")
    return 0
