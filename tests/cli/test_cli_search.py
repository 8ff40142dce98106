"""``cabinet search`` on the imported reference case."""

from __future__ import annotations

import json

from tests.conftest import CASE_FILE


def test_search_finds_the_circular_typed_with_arabic_digits(cabinet):
    assert cabinet("import", str(CASE_FILE))[0] == 0
    code, out, _ = cabinet("search", "นร 0505/ว 3407", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert [(h["kind"], h["letter_number"]) for h in hits] == [("document", "นร ๐๕๐๕/ว ๓๔๐๗")]
    code, out, _ = cabinet("search", "ภายในวันที่ 5")
    assert code == 0 and "2016-01-12" in out and "1 hit" in out


def test_a_two_character_query_exits_2_naming_the_argument(cabinet):
    code, _, err = cabinet("search", "นร")
    assert code == 2
    assert "text" in err and "at least 3" in err
