"""Bad input through the real ``cabinet`` command: exit 2, the field named, nothing stored.

Each file below is what a slip, a wrong tool or a hostile sender produces. The
answer is always the same shape: exit code 2, a message that names where the
problem is, no traceback, and a register that holds exactly what it held before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.bootstrap import open_register

GOOD_RESOLUTION = """\
resolutions:
  - meeting_date: "2021-11-09"
    subject: {subject}
    source: {{kind: circular, number: "นร 0505/ว 3407", date: {doc_date}, issuer: SOC}}
    clauses:
      - number: {clause}
        summary: Agencies report their projects in eMENSCR
        obligations:
          - bearer: ALL
            summary: Report by the end of the fiscal year
            recurrence: {{kind: once, by: {once_by}}}
"""


def resolution_yaml(subject: str = "eMENSCR", clause: str = '"1"',
                    doc_date: str = '"2021-11-11"', once_by: str = '"2022-09-30"') -> str:
    return GOOD_RESOLUTION.format(subject=subject, clause=clause, doc_date=doc_date,
                                  once_by=once_by)


@pytest.fixture
def events_stored(settings):
    def count() -> int:
        system = open_register(settings)
        try:
            return int(system.register.recorder.max_notification_id() or 0)
        finally:
            system.close()
    return count


@pytest.fixture
def refused(cabinet, events_stored, tmp_path):
    """Run a command that must be refused; return its message."""
    def invoke(*argv: str, field: str) -> str:
        before = events_stored()
        code, out, err = cabinet(*argv)
        assert code == 2, err
        assert "Traceback" not in err
        assert field in err, err
        assert out == ""
        assert events_stored() == before
        return err
    return invoke


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_good_file_imports(cabinet, tmp_path):
    code, _, err = cabinet("import", write(tmp_path, "good.yaml", resolution_yaml()))
    assert code == 0, err


@pytest.mark.parametrize("word", ["yes", "no", "on", "true"])
def test_yaml_booleans_are_not_clause_numbers(refused, tmp_path, word):
    path = write(tmp_path, "r.yaml", resolution_yaml(clause=word))
    refused("import", path, field="resolutions[0].clauses[0].number")


def test_an_unquoted_decimal_is_not_read_as_a_clause_number(refused, tmp_path):
    path = write(tmp_path, "r.yaml", resolution_yaml(clause="4.10"))
    refused("import", path, field="resolutions[0].clauses[0].number")


@pytest.mark.parametrize("value", ["86400", '"1636416000"', "1636416000.5", "true"])
def test_numbers_are_not_dates(refused, tmp_path, value):
    path = write(tmp_path, "r.yaml", resolution_yaml(doc_date=value))
    refused("import", path, field="resolutions[0].source.date")


@pytest.mark.parametrize("value", ['"2563-07-14"', "2563-07-14"])
def test_a_buddhist_year_in_iso_form_is_refused(refused, tmp_path, value):
    path = write(tmp_path, "r.yaml", resolution_yaml(doc_date=value))
    err = refused("import", path, field="resolutions[0].source.date")
    assert "Buddhist Era" in err


def test_a_buddhist_year_in_once_by_is_refused(refused, tmp_path):
    path = write(tmp_path, "r.yaml", resolution_yaml(once_by='"2565-09-30"'))
    refused("import", path,
            field="resolutions[0].clauses[0].obligations[0].recurrence.once.by")


def test_once_by_reads_a_thai_date(cabinet, tmp_path):
    path = write(tmp_path, "r.yaml", resolution_yaml(once_by='"๓๐ ก.ย. ๒๕๖๕"'))
    assert cabinet("import", path)[0] == 0
    code, out, _ = cabinet("due", "--json", "--at", "2022-09-01", "--agency", "MOI")
    assert code == 0
    assert [d["due"] for d in json.loads(out)["due"]] == ["2022-09-30"]


def test_a_declared_holiday_with_a_buddhist_year_in_iso_form_is_refused(refused):
    refused("holiday", "add", "2563-07-14", "a special holiday", "--source-date",
            "2020-07-01", field="date")


def test_duplicate_yaml_keys_are_refused_by_name(refused, tmp_path):
    text = resolution_yaml().replace("    subject: eMENSCR\n",
                                     "    subject: eMENSCR\n    subject: Something else\n")
    err = refused("import", write(tmp_path, "r.yaml", text), field="file")
    assert "subject" in err


def test_duplicate_json_keys_are_refused_by_name(refused, tmp_path):
    text = '{"format": 1, "agencies": [{"code": "ABC", "name_th": "ก", "name_en": "A",' \
           ' "name_en": "B"}]}'
    err = refused("import", write(tmp_path, "r.json", text), field="file")
    assert "name_en" in err


def test_a_huge_subject_is_refused(refused, tmp_path):
    path = write(tmp_path, "r.yaml", resolution_yaml(subject="ก" * 10_000_000))
    refused("import", path, field="resolutions[0].subject")


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\x07", "\x9b"])
def test_control_characters_in_names_are_refused(refused, bad):
    refused("agency", "add", "ABC", "--name-th", f"กรม{bad}", "--name-en", "Dept",
            field="name_th")


def test_control_characters_in_a_subject_are_refused(refused, tmp_path):
    path = write(tmp_path, "r.yaml", resolution_yaml(subject='"eMENSCR\\0"'))
    refused("import", path, field="resolutions[0].subject")


def test_a_deeply_nested_file_is_refused(refused, tmp_path):
    path = write(tmp_path, "r.yaml", "a: " + "[" * 1000 + "]" * 1000 + "\n")
    refused("import", path, field="file")


def test_a_deeply_nested_json_file_is_refused(refused, tmp_path):
    path = write(tmp_path, "r.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    refused("import", path, field="file")


def test_an_endless_file_is_refused(refused):
    err = refused("import", "/dev/zero", field="file")
    assert "MB" in err


def test_an_empty_file_is_refused(refused, tmp_path):
    err = refused("import", write(tmp_path, "r.yaml", ""), field="file")
    assert "empty" in err


def test_a_file_that_is_not_a_mapping_is_refused(refused, tmp_path):
    refused("import", write(tmp_path, "r.yaml", "- 1\n- 2\n"), field="file")


@pytest.mark.parametrize("moment", ["0001-01-01", "9999-12-31T23:59:59-07:00"])
def test_moments_at_the_ends_of_time_are_refused(refused, moment):
    refused("obligations", "--at", "2021-11-10", "--as-recorded", moment,
            field="--as-recorded")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1 มกราคม 2483"])
def test_days_the_register_cannot_hold_are_refused(refused, day):
    refused("due", "--at", day, field="--at")
    refused("diff", "--from", day, "--to", "2021-01-01", field="--from")


@pytest.fixture
def refused_at_desk(desks):
    """A step typed by a signed-in account that must be refused: its message."""
    def invoke(actor: str, *argv: str, field: str) -> str:
        before = desks.events_stored()
        code, out, err = desks.as_(actor)(*argv)
        assert code == 2, err
        assert "Traceback" not in err
        assert field in err, err
        assert out == ""
        assert desks.events_stored() == before
        return err
    return invoke


def test_a_buddhist_year_in_iso_form_is_refused_in_a_step_option(refused_at_desk):
    err = refused_at_desk("PM:head", "proposal", "approve", "OPDC-1220-489",
                          "--doc-date", "2569-11-21", field="document.date")
    assert "Buddhist Era" in err


def test_a_step_file_with_a_duplicate_key_is_refused(refused_at_desk, tmp_path):
    path = write(tmp_path, "step.yaml", "meeting_date: 2021-11-09\nmeeting_date: 2021-11-16\n")
    refused_at_desk("SOC:staff", "proposal", "schedule", "OPDC-1220-489", "--file", path,
                    field="file")


def test_a_step_option_takes_a_thai_form_and_an_epoch_is_refused(refused_at_desk):
    refused_at_desk("SOC:staff", "proposal", "schedule", "OPDC-1220-489",
                    "--meeting", "1636416000", field="meeting_date")


def test_aliases_that_expand_to_billions_of_values_are_refused(refused, tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    err = refused("import", write(tmp_path, "r.yaml", "\n".join(lines) + "\n"), field="file")
    assert "aliases" in err
