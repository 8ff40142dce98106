"""Running numbers restart every calendar year: a claim is the issuer's, for one year.

Thai official letters are numbered per office per year, so the Secretariat's
ว ๘ of 2016 and its ว ๘ of 2023 are two documents; two documents numbered
ว ๘ in the same year are a slip the register refuses.
"""

from __future__ import annotations

import pytest

from domain.errors import DocumentNumberReused
from domain.register.records import ResolutionRecord


def resolution_citing(number: str, dated: str, issuer: str = "SOC") -> ResolutionRecord:
    return ResolutionRecord.model_validate({
        "meeting_date": dated, "subject": f"a resolution citing {number} of {dated}",
        "source": {"kind": "circular", "number": number, "date": dated, "issuer": issuer},
        "clauses": [{"number": "1", "summary": "does something"}],
    })


def test_the_number_of_a_2016_circular_is_free_again_in_2023(case_system):
    before = case_system.register.recorder.max_notification_id()
    case_system.register.record_resolution(resolution_citing("นร ๐๕๐๕/ว ๘", "2023-03-07"))
    assert case_system.register.recorder.max_notification_id() > before


def test_the_same_number_in_the_same_year_for_another_document_is_refused(case_system):
    with pytest.raises(DocumentNumberReused) as caught:
        case_system.register.record_resolution(resolution_citing("นร 0505/ว 8", "2016-03-03"))
    assert "2016-01-14" in caught.value.message
    assert caught.value.field == "source.number"


def test_two_documents_of_one_new_year_with_one_number_are_refused(case_system):
    case_system.register.record_resolution(resolution_citing("นร ๐๕๐๕/ว ๘", "2023-03-07"))
    with pytest.raises(DocumentNumberReused) as caught:
        case_system.register.record_resolution(resolution_citing("นร ๐๕๐๕/ว ๘", "2023-09-12"))
    assert "2023-03-07" in caught.value.message


def test_another_issuer_numbers_its_own_letters(case_system):
    before = case_system.register.recorder.max_notification_id()
    case_system.register.record_resolution(
        resolution_citing("นร ๐๕๐๕/ว ๘", "2016-03-03", issuer="NESDC"))
    assert case_system.register.recorder.max_notification_id() > before
