"""The reference case through the ``cabinet`` command, as staff and scripts use it."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import CASE_FILE


@pytest.fixture
def imported(cabinet):
    code, _, _ = cabinet("import", str(CASE_FILE))
    assert code == 0
    return cabinet


def obligations(cabinet, *argv: str) -> set[tuple[str, str]]:
    code, out, _ = cabinet("obligations", "--json", *argv)
    assert code == 0
    return {(o["resolution"], o["clause"]) for o in json.loads(out)["obligations"]}


def test_import_reports_what_it_recorded(cabinet):
    code, out, _ = cabinet("import", str(CASE_FILE), "--json")
    assert code == 0
    assert json.loads(out)["events"] > 0


def test_reimport_records_nothing(imported):
    code, out, _ = imported("import", str(CASE_FILE), "--json")
    assert code == 0
    assert json.loads(out)["events"] == 0


def test_on_1_june_2020(imported):
    assert obligations(imported, "--at", "2020-06-01") == {("2016-01-12", "2"),
                                                          ("2018-02-20", "1")}


def test_on_1_june_2021_in_thai(imported):
    assert obligations(imported, "--at", "๑ มิถุนายน ๒๕๖๔") == {
        ("2016-01-12", "2"), ("2018-02-20", "1"), ("2021-05-18", "1"), ("2021-05-18", "2")}


def test_on_10_november_2021_for_opdc_in_thai_short_form(imported):
    found = obligations(imported, "--at", "๑๐ พ.ย. ๖๔", "--agency", "OPDC")
    assert {("2021-11-09", "1"), ("2021-11-09", "4"), ("2021-05-18", "1"),
            ("2021-05-18", "2")} <= found
    assert ("2016-01-12", "2") not in found
    assert ("2018-02-20", "1") not in found


def test_obligations_json_items_carry_the_documented_fields(imported):
    code, out, _ = imported("obligations", "--json", "--at", "2020-06-01")
    assert code == 0
    item = json.loads(out)["obligations"][0]
    assert {"resolution", "clause", "bearer", "summary", "in_force_from", "in_force_until",
            "source"} <= set(item)
    assert item["source"] == "นร ๐๕๐๕/ว ๘"


def test_due_json_shows_both_dates_and_the_rule_that_moved_one(imported):
    code, out, _ = imported("due", "--json", "--at", "2021-12-15", "--agency", "MOI")
    assert code == 0
    m6 = next(d for d in json.loads(out)["due"] if d["clause"] == "2")
    assert (m6["due"], m6["deadline"]) == ("2022-01-30", "2022-01-31")
    assert "193/8" in m6["moved_by"]


def test_due_in_june_2020(imported):
    code, out, _ = imported("due", "--json", "--at", "2020-06-01", "--agency", "MOI")
    assert code == 0
    monthly = next(d for d in json.loads(out)["due"] if d["resolution"] == "2016-01-12")
    assert monthly["deadline"] == "2020-06-05"
    assert "moved_by" not in monthly


def test_as_recorded_before_the_import_the_register_knew_nothing(imported):
    assert obligations(imported, "--at", "2021-11-10", "--as-recorded",
                       "2020-01-01T00:00:00Z") == set()


def test_resolution_show_names_the_rescinding_item(imported):
    code, out, _ = imported("resolution", "show", "2016-01-12", "--at", "2021-11-10", "--json")
    assert code == 0
    status = {c["clause"]: c for c in json.loads(out)["clauses"]}
    assert status["2"]["status"] == "rescinded"
    assert status["2"]["ended_by"] == "resolution of 2021-11-09, item 2"


def test_diff_lists_what_went_out_of_force(imported):
    code, out, _ = imported("diff", "--from", "2021-11-08", "--to", "2021-11-10", "--json")
    assert code == 0
    gone = {(o["resolution"], o["clause"]) for o in json.loads(out)["went_out_of_force"]}
    assert gone == {("2016-01-12", "2"), ("2018-02-20", "1")}


def test_history_lists_each_event_with_document_actor_and_recorded_time(imported):
    code, out, _ = imported("history", "2016-01-12", "--json")
    assert code == 0
    events = json.loads(out)["events"]
    assert [e["event"] for e in events] == ["Recorded", "ClausesRescinded"]
    assert events[1]["effective"] == "2021-11-09"
    assert all(e["actor"] and e["recorded_at"] and e["document"] for e in events)


def test_audit_replay_and_verify_pass_on_an_honest_register(imported):
    assert imported("audit", "replay", "--json")[0] == 0
    code, out, _ = imported("audit", "verify", "--json")
    assert code == 0
    assert json.loads(out)["ok"] is True


def test_a_malformed_date_exits_2_and_names_the_option(imported):
    code, _, err = imported("obligations", "--at", "2021-02-30")
    assert code == 2
    assert "--at" in err


def test_an_unknown_agency_exits_2_and_names_the_option(imported):
    code, _, err = imported("obligations", "--at", "2021-11-10", "--agency", "NOPE")
    assert code == 2
    assert "--agency" in err and "NOPE" in err


def test_a_bad_import_file_exits_2_naming_record_and_field_and_stores_nothing(cabinet, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASE_FILE.read_text().replace("issuer: PMDU}", "issuer: PMDX}"))
    code, _, err = cabinet("import", str(bad))
    assert code == 2
    assert "proposals[0].steps[7].step.letter.issuer" in err
    code, out, _ = cabinet("audit", "verify", "--json")
    assert code == 0
    assert json.loads(out)["checked"] == 0


def test_a_file_that_is_not_yaml_exits_2(cabinet, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("resolutions: [\n")
    code, _, err = cabinet("import", str(bad))
    assert code == 2
    assert "line" in err


def test_a_missing_file_exits_2(cabinet, tmp_path):
    code, _, err = cabinet("import", str(tmp_path / "none.yaml"))
    assert code == 2
    assert "no such file" in err


def test_the_reference_case_through_the_cli_each_step_by_its_own_account(desks, tmp_path):
    """OPDC's 2021 proposal, every step typed by the account of the agency that took it."""
    case = yaml.safe_load(CASE_FILE.read_text())
    history = tmp_path / "history.yaml"
    history.write_text(yaml.safe_dump({"resolutions": case["resolutions"]}, allow_unicode=True))
    assert desks.operator("import", str(history))[0] == 0  # the operator's, on the data folder
    proposal = ""
    for number, taken in enumerate(case["proposals"][0]["steps"]):
        fields = dict(taken["step"])
        step = fields.pop("step")
        path = tmp_path / f"step-{number}.yaml"
        path.write_text(yaml.safe_dump(fields, allow_unicode=True))
        typed_by = desks.as_(taken["actor"])
        if step == "draft":
            code, out, err = typed_by("proposal", "start", "--file", str(path), "--json")
            assert code == 0, err
            proposal = json.loads(out)["proposal"]
            continue
        code, out, err = typed_by("proposal", step.replace("_", "-"), proposal,
                                  "--file", str(path), "--json")
        assert code == 0, (step, taken["actor"], err)
        assert json.loads(out)["recorded"] is True
    code, out, _ = desks.as_("SOC:auditor")("proposal", "status", proposal, "--json")
    assert code == 0
    status = json.loads(out)
    staff = [(h["step"], h["actor"]) for h in status["history"] if h["actor"] != "SOC:system"]
    assert staff == [(s["step"]["step"], s["actor"]) for s in case["proposals"][0]["steps"]]
    after = obligations(desks.as_("SOC:auditor"), "--at", "2021-11-10")
    assert ("2016-01-12", "2") not in after
    assert ("2021-11-09", "1") in after
