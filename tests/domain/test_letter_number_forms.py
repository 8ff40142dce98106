"""Letter numbers as staff copy them from real letters (issue 7)."""

from __future__ import annotations

import pytest

from domain.paperwork.letter_numbers import document_key, parse_document_number, split_heading
from domain.values import DocumentKind, SourceDocument


@pytest.mark.parametrize(("text", "office", "key"), [
    ("มท ๐๘๑๐.๔/ว ๑๑๒๓", "0810.4", "มท 0810.4/ว 1123"),
    ("กค ๐๔๐๗.๒/ว ๑๒๓", "0407.2", "กค 0407.2/ว 123"),
    ("กค 0407.2/ว123", "0407.2", "กค 0407.2/ว 123"),
    ("ศธ ๐๒๐๖.๓/๔๕๖", "0206.3", "ศธ 0206.3/456"),
])
def test_dotted_office_codes(text, office, key):
    number = parse_document_number(text)
    assert number.office == office
    assert number.key == key
    assert document_key(text) == key


@pytest.mark.parametrize(("text", "heading"), [
    ("ที่ นร ๐๕๐๕/ว ๓๔๐๗", "ที่"),
    ("ด่วนที่สุด ที่ นร ๐๕๐๕/ว ๓๔๐๗", "ด่วนที่สุด ที่"),
    ("ด่วนมาก ที่ นร 0505/ว 3407", "ด่วนมาก ที่"),
    ("ด่วน นร 0505/ว 3407", "ด่วน"),
    ("ลับ ด่วนที่สุด ที่นร 0505/ว 3407", "ลับ ด่วนที่สุด ที่"),
])
def test_the_label_and_urgency_are_not_part_of_the_number(text, heading):
    number = parse_document_number(text)
    assert number.key == "นร 0505/ว 3407"
    assert number.heading == heading
    assert document_key(text) == "นร 0505/ว 3407"
    assert split_heading(text)[0] == heading


def test_a_document_keeps_its_urgency_as_a_note_and_its_number_without_it():
    doc = SourceDocument(kind=DocumentKind.LETTER, date="2021-11-11", issuer="SOC",
                         number="ด่วนที่สุด ที่ นร ๐๕๐๕/ว ๓๔๐๗", note="attached: six letters")
    assert doc.number == "นร ๐๕๐๕/ว ๓๔๐๗"
    assert doc.note == "ด่วนที่สุด; attached: six letters"
    labelled = SourceDocument(kind=DocumentKind.LETTER, date="2021-11-11", issuer="SOC",
                              number="ที่ นร ๐๕๐๕/ว ๓๔๐๗")
    assert (labelled.number, labelled.note) == ("นร ๐๕๐๕/ว ๓๔๐๗", None)


@pytest.mark.parametrize("text", ["นร ๐๕๐๗/ว(ล) ๒๘๑๑๓", "นร 0507/ว (ล) 28113",
                                  "นร 0507/วล 28113", "นร ๐๕๐๗/วล๒๘๑๑๓"])
def test_the_circular_series_is_one_key_however_it_is_written(text):
    assert parse_document_number(text).key == "นร 0507/ว(ล) 28113"
    assert document_key(text) == "นร 0507/ว(ล) 28113"


def test_a_stored_document_decodes_unchanged():
    doc = SourceDocument(kind=DocumentKind.CIRCULAR, date="2021-11-11", issuer="SOC",
                         number="มท ๐๘๑๐.๔/ว ๑๑๒๓")
    assert SourceDocument.model_validate_json(doc.model_dump_json()) == doc
