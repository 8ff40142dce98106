"""Tables a person reads: Thai text aligned by its width on screen, long cells wrapped or whole.

Thai vowels written above or below a consonant (ิ ี ั ุ ู) and tone marks (่ ้) take no
column on screen; a table padded by the number of characters would push every
column after a Thai cell to the left.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len

from cli.main import run
from cli.render import table

THAI = "ให้ผู้ว่าราชการจังหวัดที่ได้รับมอบหมายรายงานผลการดำเนินงาน"
"""An obligation in Thai: 58 characters, 11 of them vowel and tone marks that take no column."""

SOURCE = "นร ๐๕๐๕/ว ๓๔๐๗"

RESOLUTION = f"""\
resolutions:
  - meeting_date: "2021-11-09"
    subject: การติดตามและประเมินผลผ่านระบบ eMENSCR
    source: {{kind: circular, number: "{SOURCE}", date: "2021-11-11", issuer: SOC}}
    clauses:
      - number: "1"
        summary: {THAI}
        obligations:
          - bearer: ALL
            summary: {THAI}
            recurrence: {{kind: once, by: "2022-09-30"}}
      - number: "2"
        summary: Agencies report their projects in eMENSCR
        obligations:
          - bearer: MOI
            summary: Report
            recurrence: {{kind: once, by: "2022-09-30"}}
"""


def column_of(line: str, text: str) -> int:
    """Where ``text`` starts in ``line``, counted in columns on screen."""
    return cell_len(line[: line.index(text)])


def test_the_thai_text_has_marks_that_take_no_column() -> None:
    marks = [c for c in THAI if unicodedata.category(c) == "Mn"]
    assert {"ู", "้", "่", "ั", "ี", "ิ"} <= set(marks)
    assert (len(THAI), len(marks), cell_len(THAI)) == (58, 11, 47)


def test_a_column_after_a_thai_cell_starts_where_it_does_after_a_latin_one() -> None:
    out = io.StringIO()
    table([(THAI, "in force"), ("Report", "in force")], ["summary", "status"], out,
          wide=True)
    header, rule, *rows = out.getvalue().splitlines()
    assert {column_of(line, "in force") for line in rows} == {column_of(header, "status")}
    assert rule.split() == ["-" * cell_len(THAI), "-" * len("in force")]


@pytest.fixture
def thai_register(env_for_cli: object, capsys: pytest.CaptureFixture[str],
                  tmp_path: Path):
    path = tmp_path / "thai.yaml"
    path.write_text(RESOLUTION, encoding="utf-8")
    assert run(["import", str(path)]) == 0

    def ask(*argv: str) -> list[str]:
        capsys.readouterr()
        code = run(list(argv))
        out, err = capsys.readouterr()
        assert code == 0, err
        return out.splitlines()
    return ask


def test_obligations_align_after_a_thai_summary(thai_register) -> None:
    lines = thai_register("obligations", "--at", "2021-12-01", "--wide")
    header = next(line for line in lines if line.startswith("resolution"))
    rows = [line for line in lines if SOURCE in line]
    assert len(rows) == 2 and any(THAI in row for row in rows)
    assert {column_of(row, SOURCE) for row in rows} == {column_of(header, "source")}


def test_a_long_cell_wraps_to_the_width_and_wide_shows_it_whole(
        thai_register, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    wrapped = thai_register("obligations", "--at", "2021-12-01")
    assert all(cell_len(line) <= 60 for line in wrapped[1:])  # the heading is not a table
    assert not any(THAI in line for line in wrapped)
    whole = thai_register("obligations", "--at", "2021-12-01", "--wide")
    assert any(THAI in line for line in whole)


def test_resolution_show_full_prints_each_clause_whole(thai_register) -> None:
    lines = thai_register("resolution", "show", "2021-11-09", "--at", "2021-12-01",
                          "--full", "--wide")
    assert "clause 1 (in force):" in lines
    assert lines[lines.index("clause 1 (in force):") + 1] == THAI
