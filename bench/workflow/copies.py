"""The workload of the workflow benchmark: copies of the reference case's proposal.

Each copy is the case's proposal (examples/emenscr-2021.yaml: a draft and 14
steps) with its own memo number (so its own workflow id), its own title (the
decision records a resolution keyed by meeting date and title) and its own
pair of earlier resolutions to rescind (a clause can be rescinded only once),
all imported before timing starts. The letters are the case's own, shared by
every copy (the register lets one number name the same document again),
unless ``unique_letters`` gives each copy its own. The bare workflow gets the
same 14 updates with the same payload bytes (``bare_plan``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from domain.paperwork.letter_numbers import parse_document_number
from domain.register.records import ImportFile, ProposalRecord
from workflows.contracts import UPDATE_FOR_STEP

CASE_FILE = Path(__file__).resolve().parents[2] / "examples" / "emenscr-2021.yaml"
MEMO_BASE = 100_000


def load_case() -> ImportFile:
    return ImportFile.model_validate(yaml.safe_load(CASE_FILE.read_text()))


def _walk(node: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _is_document(node: dict[str, Any]) -> bool:
    return {"kind", "date", "issuer"} <= node.keys()


def _unique_number(number: str, n: int) -> str:
    """The same letter number made the copy's own: a sub-number, or a longer sub-number."""
    parsed = parse_document_number(number)
    if parsed.sub is None:
        return f"{number}/{n}"
    head = number.rsplit("/", 1)[0]
    return f"{head}/{parsed.sub * 1_000_000 + n}"


def make_copies(case: ImportFile, count: int, *, unique_letters: bool,
                case_deadlines: bool = False
                ) -> tuple[list[dict[str, Any]], list[ProposalRecord]]:
    """``count`` valid copies of the case's proposal, and the earlier resolutions they need.

    Copy ``n`` gets memo ``นร 1220/<MEMO_BASE + n>``, the title with `` (bench n)``,
    and its own copies of the resolutions its amendment rescinds (same meeting
    date, the subject with `` (bench n)``), named by date and subject.

    The opinions' deadlines are moved a month ahead of today, so that, as in
    normal work, the opinions arrive in time and the engine escalates nothing:
    the path measured is the staff's 14 steps, like the bare workflow's 14
    updates. ``case_deadlines`` keeps the case's 2021 deadlines, which have all
    passed, so each proposal also records 4 escalations.
    """
    ahead = (date.today() + timedelta(days=30)).isoformat()
    data = case.model_dump(mode="json")
    resolutions = data["resolutions"]
    proposal = data["proposals"][0]
    earlier: list[dict[str, Any]] = []
    copies: list[ProposalRecord] = []
    for i in range(1, count + 1):
        n = MEMO_BASE + i
        mine = json.loads(json.dumps(proposal))
        draft = mine["steps"][0]["step"]
        draft["memo"]["number"] = f"นร 1220/{n}"
        title = f"{draft['title']} (bench {n})"
        draft["title"] = title
        needed: dict[tuple[str, str], dict[str, Any]] = {}

        def retarget(node: dict[str, Any], n: int = n,
                     needed: dict[tuple[str, str], dict[str, Any]] = needed) -> None:
            for key in ("rescinds", "amends"):
                for target in node.get(key) or ():
                    ref = target["resolution"]
                    original = _find_resolution(resolutions, ref["date"], ref.get("subject"))
                    subject = f"{original['subject']} (bench {n})"
                    needed[(original["meeting_date"], subject)] = {**original,
                                                                   "subject": subject}
                    target["resolution"] = {"date": original["meeting_date"],
                                            "subject": subject}

        for taken in mine["steps"][1:]:
            _walk(taken["step"], retarget)
            step = taken["step"]
            if not case_deadlines and step["step"] in ("request_opinions", "request_review"):
                for request in step["requests"]:
                    request["due"] = ahead
            if step["step"] == "notify" and step["circular"].get("title"):
                step["circular"]["title"] = title
            if unique_letters:
                def renumber(node: dict[str, Any], n: int = n) -> None:
                    if _is_document(node) and node.get("number"):
                        node["number"] = _unique_number(node["number"], n)
                _walk(step, renumber)
        earlier.extend(needed.values())
        copies.append(ProposalRecord.model_validate(mine))
    return earlier, copies


def _find_resolution(resolutions: list[dict[str, Any]], day: str, subject: str | None
                     ) -> dict[str, Any]:
    found = [r for r in resolutions if r["meeting_date"] == day
             and (subject is None or r["subject"].strip() == subject.strip())]
    if len(found) != 1:
        raise SystemExit(f"the case names {len(found)} resolutions of {day} ({subject!r})")
    return found[0]



@dataclass
class BarePlan:
    workflow_id: str
    actor: str
    draft: dict[str, Any]
    updates: list[tuple[str, str, str, dict[str, Any]]]  # step, update name, actor, payload


def bare_plan(record: ProposalRecord) -> BarePlan:
    """The same updates, actors and payloads (as JSON dicts), prepared before timing."""
    updates: list[tuple[str, str, str, dict[str, Any]]] = []
    for taken in record.steps[1:]:
        name, _ = UPDATE_FOR_STEP[taken.step.step]
        updates.append((str(taken.step.step), name, str(taken.actor),
                        taken.step.model_dump(mode="json")))
    return BarePlan(workflow_id=f"bare-{record.workflow_id}", actor=str(record.steps[0].actor),
                    draft=record.draft.model_dump(mode="json"), updates=updates)

