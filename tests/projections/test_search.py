"""Search on the reference case: letter numbers in either digits, Thai by substring, pages."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from projections.queries import search
from projections.rebuild import MODELS

CIRCULAR = "นร ๐๕๐๕/ว ๓๔๐๗"


@pytest.mark.parametrize("typed", ["นร 0505/ว 3407", "นร 0505 / ว 3407", "นร0505/ว3407",
                                   CIRCULAR, "0505/ว 3407"])
def test_the_circular_is_found_by_its_number_in_either_digits_and_any_spacing(case_system,
                                                                              typed):
    answer = search.find(case_system, typed)
    circulars = [h for h in answer.hits if h.letter_number == CIRCULAR]
    assert [(h.kind, h.resolution) for h in circulars] == [("document", "2021-11-09")]


def test_a_thai_word_inside_a_clause_is_found_without_spaces_around_it(case_system):
    # "วันที่ ๕" sits mid-sentence in clause 2 of 12 Jan 2016; typed with an Arabic 5.
    answer = search.find(case_system, "ภายในวันที่ 5 ของทุกเดือน")
    assert [(h.kind, h.resolution, h.clause) for h in answer.hits] == [
        ("clause", "2016-01-12", "2")]
    assert "ภายในวันที่ ๕ ของทุกเดือน" in answer.hits[0].snippet


def test_a_subject_is_found_and_hits_come_newest_meeting_first(case_system):
    answer = search.find(case_system, "ประชารัฐ")
    dates = [h.resolution for h in answer.hits]
    assert dates == sorted(dates, reverse=True)
    assert ("resolution", "2016-01-12") in {(h.kind, h.resolution) for h in answer.hits}


def test_latin_text_is_found_whatever_its_case(case_system):
    assert search.find(case_system, "emenscr").hits == search.find(case_system, "eMENSCR").hits


def test_pages_of_hits_add_up_to_the_whole_answer(case_system):
    whole = search.find(case_system, "ประชารัฐ", limit=None)
    assert len(whole.hits) > 2
    pages, after = [], None
    while True:
        answer = search.find(case_system, "ประชารัฐ", limit=2, after=after)
        pages.append(answer.hits)
        if answer.next is None:
            break
        after = answer.next
    assert [hit for page in pages for hit in page] == whole.hits


def test_a_query_shorter_than_three_characters_is_refused_naming_the_field(case_system):
    with pytest.raises(InvalidInput) as refused:
        search.find(case_system, " นร ")
    assert refused.value.field == "text"
    assert "at least 3" in str(refused.value)


def test_text_found_nowhere_gives_no_hits(case_system):
    assert search.find(case_system, "ไม่มีคำนี้ในทะเบียน").hits == []


def test_the_search_model_is_rebuilt_from_the_log_and_replays_alike(case_system):
    before = search.find(case_system, "ประชารัฐ", limit=None)
    with case_system.view.writing() as cursor:
        cursor.execute("DELETE FROM {p}reg_search")
    assert search.find(case_system, "ประชารัฐ").hits == []
    report = case_system.rebuild([MODELS["search"]])
    assert report.models == ["search"]
    assert search.find(case_system, "ประชารัฐ", limit=None) == before
    assert case_system.replay().ok


def test_an_empty_register_says_nothing_is_recorded(system):
    answer = search.find(system, "ประชารัฐ")
    assert answer.hits == [] and "nothing recorded" in (answer.empty_because or "")
