"""Questions the ``cabinet`` command answers from the register alone: proposals, refusals,
pages, and rebuilding read models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli.main import run
from tests.conftest import CASE_FILE

STORES = Path(__file__).resolve().parent.parent / "fixtures" / "stores"


@pytest.fixture
def imported(cabinet):
    assert cabinet("import", str(CASE_FILE))[0] == 0
    return cabinet


def test_an_imported_proposals_status_needs_no_workflow_engine(imported):
    code, out, err = imported("proposal", "status", "OPDC-1220-489", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert (status["stage"], status["outcome"]) == ("closed", "approved")
    assert status["history"][0]["step"] == "draft"
    assert {o["agency"] for o in status["opinions"]} == {"MOI", "NESDC", "PMDU"}
    code, out, _ = imported("proposal", "status", "OPDC-1220-489")
    assert code == 0
    assert "stage: closed" in out and "history:" in out


def test_an_unknown_proposal_exits_2_naming_it(imported):
    code, _, err = imported("proposal", "status", "NOPE-1-1")
    assert code == 2
    assert "proposal" in err and "NOPE-1-1" in err


def test_refusals_lists_nothing_on_an_honest_register(imported):
    code, out, _ = imported("refusals", "--json")
    assert code == 0
    assert json.loads(out) == {"proposal": None, "refusals": []}
    code, out, _ = imported("refusals", "--proposal", "OPDC-1220-489", "--json")
    assert json.loads(out)["proposal"] == "OPDC-1220-489"


def test_obligations_come_in_pages_that_add_up(imported):
    code, out, _ = imported("obligations", "--at", "2021-11-10", "--json")
    whole = json.loads(out)["obligations"]
    code, out, _ = imported("obligations", "--at", "2021-11-10", "--limit", "3", "--json")
    first = json.loads(out)
    code, out, _ = imported("obligations", "--at", "2021-11-10", "--after", first["next"],
                            "--json")
    rest = json.loads(out)
    assert code == 0
    assert first["obligations"] + rest["obligations"] == whole
    assert "next" not in rest
    code, out, _ = imported("obligations", "--at", "2021-11-10", "--limit", "3")
    assert f"more: --after {first['next']}" in out


def test_a_bad_cursor_exits_2_naming_the_option(imported):
    code, _, err = imported("obligations", "--at", "2021-11-10", "--after", "zz")
    assert code == 2
    assert "after" in err


def test_rebuild_one_model_or_all(imported):
    code, out, _ = imported("rebuild", "--model", "obligations", "--json")
    assert code == 0
    assert json.loads(out)["models"] == ["obligations"]
    code, out, _ = imported("rebuild", "--all", "--json")
    assert set(json.loads(out)["models"]) == {"resolutions", "clauses", "obligations",
                                               "holidays", "proposals", "refusals", "search",
                                               "grants"}
    assert imported("audit", "replay")[0] == 0


def test_rebuild_of_an_unknown_model_exits_2(imported):
    code, _, err = imported("rebuild", "--model", "nope")
    assert code == 2
    assert "--model" in err


def test_a_proposal_in_flight_in_a_store_written_by_earlier_code(
        tmp_path, monkeypatch, capsys):
    data = tmp_path / "v1"
    data.mkdir()
    shutil.copy(STORES / "v1-register.sqlite", data / "register.sqlite")
    monkeypatch.setenv("CABINET_DATA_DIR", str(data))
    monkeypatch.setenv("CABINET_STORE", "sqlite")
    code = run(["proposal", "status", "OPDC-1220-999", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    status = json.loads(out)
    assert status["stage"] == "consulting"
    assert [h["step"] for h in status["history"]] == [
        "draft", "endorse", "approve", "submit", "request_opinions"]
    assert run(["audit", "replay"]) == 0
