"""A proposal cannot start on a memo dated after the acting day (Bangkok's today)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from domain.paperwork.thai_dates import BANGKOK
from tests.conftest import CASE_FILE


def draft_file(tmp_path: Path, memo_day: str) -> Path:
    case = yaml.safe_load(CASE_FILE.read_text())
    draft = case["proposals"][0]["steps"][0]["step"]
    draft["memo"] = {**draft["memo"], "number": "นร 1220/7777", "date": memo_day}
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(draft, allow_unicode=True))
    return path


def test_a_memo_dated_tomorrow_is_refused_naming_its_date(desks, tmp_path):
    tomorrow = (datetime.now(BANGKOK).date() + timedelta(days=1)).isoformat()
    before = desks.events_stored()
    code, _, err = desks.as_("OPDC:head")("proposal", "start",
                                          "--file", str(draft_file(tmp_path, tomorrow)))
    assert code == 2, err
    assert "memo.date" in err
    assert "Traceback" not in err
    assert desks.events_stored() == before
    code, out, _ = desks.as_("SOC:auditor")("proposals", "--json")
    assert code == 0
    assert not [p for p in json.loads(out)["proposals"] if "7777" in p["workflow_id"]]
