"""What the register refuses, and that a refusal stores nothing.

Each test checks the error names what is wrong, and that the store's log is
exactly as long as before the refused command.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from domain.errors import (
    ClauseNotFound,
    ClauseNotInForce,
    DocumentNumberReused,
    RegisterError,
    RescissionBeforeResolution,
    UnknownAgency,
)
from domain.register.records import ImportFile, ResolutionRecord
from tests.conftest import CASE_FILE
from tests.support.in_memory import log_length


def raw_case() -> dict:
    return yaml.safe_load(CASE_FILE.read_text())


def later_resolution(**clause) -> dict:
    return {
        "meeting_date": "2022-03-01", "subject": "a later resolution",
        "source": {"kind": "circular", "number": "นร 0505/ว 500", "date": "2022-03-03",
                   "issuer": "SOC"},
        "clauses": [{"number": "1", "summary": "does something", **clause}],
    }


def refused(system, record: dict, error: type[RegisterError]) -> RegisterError:
    before = log_length(system)
    with pytest.raises(error) as caught:
        system.register.record_resolution(ResolutionRecord.model_validate(record))
    assert log_length(system) == before
    return caught.value


def test_reimporting_the_same_file_adds_nothing(case_system, case):
    before = log_length(case_system)
    assert case_system.register.import_file(case) == 0
    assert log_length(case_system) == before


def test_a_file_with_one_bad_record_is_refused_whole_and_names_the_record(system):
    data = raw_case()
    data["resolutions"][3]["clauses"][1]["obligations"][0]["bearer"] = "NOPE"
    content = ImportFile.model_validate(data)
    with pytest.raises(UnknownAgency) as caught:
        system.register.import_file(content)
    assert caught.value.field == "resolutions[3].clauses[1].obligations[0].bearer"
    assert log_length(system) == 0


def test_a_bad_step_late_in_a_proposal_refuses_the_whole_file(system):
    data = raw_case()
    opinion = data["proposals"][0]["steps"][6]["step"]
    opinion["agency"] = "PMDU"  # NESDC's staff cannot give PMDU's opinion
    with pytest.raises(RegisterError) as caught:
        system.register.import_file(ImportFile.model_validate(data))
    assert caught.value.field.startswith("proposals[0].steps[6]")
    assert log_length(system) == 0


def test_rescinding_a_clause_that_does_not_exist_is_refused(case_system):
    error = refused(case_system, later_resolution(rescinds=[
        {"resolution": {"date": "2016-01-12"}, "clauses": ["9"]}]), ClauseNotFound)
    assert "no clause 9" in error.message
    assert error.field == "clauses[0].rescinds[0].clauses[0]"


def test_rescinding_a_clause_already_rescinded_is_refused(case_system):
    error = refused(case_system, later_resolution(rescinds=[
        {"resolution": {"date": "2016-01-12"}, "clauses": ["2"]}]), ClauseNotInForce)
    assert "rescinded from 2021-11-09" in error.message


def test_a_rescission_effective_before_the_resolution_is_refused(case_system):
    error = refused(case_system, later_resolution(rescinds=[
        {"resolution": {"date": "2016-01-12"}, "clauses": ["1"],
         "effective_on": "2015-12-31"}]), RescissionBeforeResolution)
    assert "before the resolution of 2016-01-12" in error.message


def test_rescinding_a_resolution_the_register_does_not_hold_is_refused(case_system):
    error = refused(case_system, later_resolution(rescinds=[
        {"resolution": {"date": "2017-05-05"}, "clauses": ["1"]}]), RegisterError)
    assert "no resolution of 2017-05-05" in error.message


def test_an_unknown_agency_code_is_refused(case_system):
    error = refused(case_system, later_resolution(obligations=[
        {"bearer": "MOJX", "summary": "s"}]), UnknownAgency)
    assert "MOJX" in error.message


def test_the_same_document_number_for_another_document_is_refused(case_system):
    record = later_resolution()
    record["source"]["number"] = "นร ๐๕๐๕/ว ๘"  # the 2016 circular's number, another date
    record["source"]["date"] = "2016-03-03"  # numbers restart each year: the same year
    error = refused(case_system, record, DocumentNumberReused)
    assert "2016-01-14" in error.message


def test_the_same_number_spelt_with_arabic_digits_is_the_same_document(case_system):
    record = later_resolution()
    record["source"]["number"] = "นร 0505/ว 8"
    record["source"]["date"] = "2016-03-03"
    refused(case_system, record, DocumentNumberReused)


def test_a_malformed_date_is_refused_before_anything_is_recorded():
    record = later_resolution()
    record["meeting_date"] = "๓๑ กุมภาพันธ์ ๒๕๖๕"
    with pytest.raises(ValueError, match="out of range"):
        ResolutionRecord.model_validate(record)


def test_a_malformed_letter_number_is_refused():
    record = later_resolution()
    record["source"]["number"] = "นร ๐๕๐๕ ว ๘"
    with pytest.raises(ValueError, match="missing '/' after office code"):
        ResolutionRecord.model_validate(record)


def test_amending_a_clause_in_force_records_a_new_version(case_system):
    from datetime import date

    from projections import obligations

    case_system.register.record_resolution(ResolutionRecord.model_validate(later_resolution(
        amends=[{"resolution": {"date": "2021-05-18"}, "clause": "2",
                 "obligations": [{"bearer": "ALL", "summary": "M6 within 45 days",
                                  "system": "eMENSCR",
                                  "recurrence": {"kind": "quarterly", "days_after": 45}}]}])))
    with case_system.reading() as cursor:
        before = {r["summary"] for r in obligations.in_force(cursor, date(2022, 2, 1))}
        after = {r["summary"] for r in obligations.in_force(cursor, date(2022, 3, 2))}
    assert "M6 within 45 days" not in before
    assert "M6 within 45 days" in after
    assert not any("within 30 days" in s for s in after)


def test_a_resolution_recorded_again_with_other_content_is_refused(case_system, case):
    record = copy.deepcopy(case.resolutions[0].model_dump(mode="json"))
    record["clauses"][0]["summary"] = "something else"
    with pytest.raises(RegisterError, match="already recorded with other content"):
        case_system.register.record_resolution(ResolutionRecord.model_validate(record))


def test_a_clause_number_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="'two' is not a clause number"):
        ResolutionRecord.model_validate(later_resolution(number="two"))
