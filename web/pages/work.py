"""My work (``/``) and the board (``/proposals``): open proposals, who acts next, deadlines."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain.process.stages import Stage
from projections.proposals import BoardRow
from projections.queries import proposals
from web.pages import seams
from web.pages.allowed import allowed_steps
from web.pages.rendering import render
from web.pages.start import may_draft
from web.principal import Principal
from web.services import WebServices

router = APIRouter(include_in_schema=False)


def _my_work(desk: WebServices, principal: Principal
             ) -> tuple[list[tuple[BoardRow, list[str]]], list[tuple[BoardRow, str, bool]]]:
    today = desk.today()
    board = proposals.board(desk.system, today)
    to_act = []
    for row in board.proposals:
        state = desk.system.register.proposal(row.workflow_id).state
        steps = [s.name() for s in allowed_steps(state, principal.actor)
                 if s.name() != "correct_document"]
        if steps:
            to_act.append((row, steps))
    owed = [(row, opinion.due, date.fromisoformat(opinion.due) < today)
            for row in board.proposals for opinion in row.opinions
            if opinion.agency == principal.agency and opinion.status == "pending"]
    return to_act, owed


@router.get("/")
async def my_work(request: Request) -> Response:
    principal = seams.viewer(request)
    to_act, owed = await run_in_threadpool(_my_work, seams.services(request), principal)
    return render(request, "work.html", to_act=to_act, owed=owed,
                  today=seams.services(request).today(), may_draft=may_draft(principal))


@router.get("/proposals")
async def board(request: Request, agency: str = "", stage: str = "") -> Response:
    seams.viewer(request)
    desk = seams.services(request)
    answer = await run_in_threadpool(proposals.board, desk.system, desk.today())
    rows = [row for row in answer.proposals
            if (not agency or agency == row.proposer or agency in row.next
                or any(o.agency == agency for o in row.opinions))
            and (not stage or row.stage == stage)]
    agencies = sorted({row.proposer for row in answer.proposals}
                      | {o.agency for row in answer.proposals for o in row.opinions})
    return render(request, "board.html", rows=rows, agency=agency, stage=stage,
                  agencies=agencies, stages=[s.value for s in Stage if s is not Stage.CLOSED],
                  today=answer.at)
