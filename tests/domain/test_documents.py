import pytest

from domain.errors import InvalidDocumentNumber
from domain.paperwork.letter_numbers import DocumentNumber, parse_document_number


@pytest.mark.parametrize(
    ("text", "prefix", "office", "unit", "series", "number", "sub", "key"),
    [
        ("นร ๐๕๐๕/ว ๓๔๐๗", "นร", "0505", None, "ว", 3407, None, "นร 0505/ว 3407"),
        ("นร ๐๕๐๕/ว ๘", "นร", "0505", None, "ว", 8, None, "นร 0505/ว 8"),
        ("นร ๐๕๐๗/ว ๑๐๖", "นร", "0507", None, "ว", 106, None, "นร 0507/ว 106"),
        ("นร ๑๒๒๐/๔๘๙", "นร", "1220", None, None, 489, None, "นร 1220/489"),
        ("นร ๑๒๐๐/๑๑๓", "นร", "1200", None, None, 113, None, "นร 1200/113"),
        ("นร ๐๕๐๗/ว(ล) ๒๘๑๑๓", "นร", "0507", None, "ว(ล)", 28113, None, "นร 0507/ว(ล) 28113"),
        ("มท ๐๒๒๘/๑๕๖๕๙", "มท", "0228", None, None, 15659, None, "มท 0228/15659"),
        ("มท ๐๒๒๘/ ๑๕๖๕๙", "มท", "0228", None, None, 15659, None, "มท 0228/15659"),
        ("นร ๑๑๑๒/๖๐๙๐", "นร", "1112", None, None, 6090, None, "นร 1112/6090"),
        ("นร ๑๕๐๓/๒๐๑๘", "นร", "1503", None, None, 2018, None, "นร 1503/2018"),
        ("นร ๐๔๐๓ (กร ๒)/๑๓๕๗/๑", "นร", "0403", "กร 2", None, 1357, 1, "นร 0403 (กร 2)/1357/1"),
        ("นร ๐๕๐๗/๓๔๑๗๗", "นร", "0507", None, None, 34177, None, "นร 0507/34177"),
        ("กค. ๐๓๐๕/ว ๑๒", "กค", "0305", None, "ว", 12, None, "กค 0305/ว 12"),
    ],
)  # fmt: skip
def test_parses_real_letter_numbers(text, prefix, office, unit, series, number, sub, key):
    parsed = parse_document_number(text)
    assert parsed.as_written == text
    assert str(parsed) == text
    assert (parsed.prefix, parsed.office, parsed.unit) == (prefix, office, unit)
    assert (parsed.series, parsed.number, parsed.sub) == (series, number, sub)
    assert parsed.key == key


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (
            ["นร ๐๕๐๕/ว ๓๔๐๗", "นร 0505/ว 3407", "นร0505/ว3407", "  นร  0505 / ว  3407 ",
             "ที่ นร ๐๕๐๕/ว ๓๔๐๗", "ที่นร ๐๕๐๕/ว ๓๔๐๗", "นร ๐๕๐๕/ว ๓๔๐๗"],
            "นร 0505/ว 3407",
        ),
        (
            ["นร ๐๔๐๓ (กร ๒)/๑๓๕๗/๑", "นร 0403(กร2)/1357/1", "นร ๐๔๐๓ ( กร  ๒ ) / ๑๓๕๗ / ๑"],
            "นร 0403 (กร 2)/1357/1",
        ),
        (
            ["นร ๐๕๐๗/ว(ล) ๒๘๑๑๓", "นร 0507/ว (ล) 28113", "นร 0507/ว(ล)28113"],
            "นร 0507/ว(ล) 28113",
        ),
        (["มท ๐๒๒๘/๑๕๖๕๙", "มท ๐๒๒๘/ ๑๕๖๕๙", "มท 0228 /15659"], "มท 0228/15659"),
        (["กค. 0305/ว 12", "กค 0305/ว 12"], "กค 0305/ว 12"),
    ],
)  # fmt: skip
def test_spellings_of_one_number_share_a_key(variants, key):
    assert {parse_document_number(v).key for v in variants} == {key}


def test_as_written_is_the_input_stripped():
    assert parse_document_number("  ที่ นร ๐๕๐๕/ว ๓๔๐๗\n").as_written == "ที่ นร ๐๕๐๕/ว ๓๔๐๗"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["empty"]),
        ("   ", ["empty"]),
        ("๐๕๐๕/ว ๓๔๐๗", ["prefix", "๐๕๐๕/ว ๓๔๐๗"]),
        ("NR 0505/3407", ["prefix", "NR 0505/3407"]),
        ("นรกขคง 0505/3407", ["prefix", "นรกขคง", "longer"]),
        ("นร /ว ๓๔๐๗", ["office code", "นร /ว ๓๔๐๗"]),
        ("นร ๐๕๐๕ ว ๓๔๐๗", ["missing '/'", "นร ๐๕๐๕ ว ๓๔๐๗"]),
        ("นร ๐๕๐๕", ["missing '/'"]),
        ("นร ๐๕๐๕/ว", ["missing number", "series 'ว'"]),
        ("นร ๑๒๐๐/", ["missing number"]),
        ("นร ๐๔๐๓ (กร ๒/๑๓๕๗", ["unclosed", "("]),
        ("นร ๐๔๐๓ ()/๑๓๕๗", ["empty unit"]),
        ("นร ๐๔๐๓ (กร ๒)/๑๓๕๗/", ["sub-number"]),
        ("นร ๐๕๐๕/ว ๓๔๐๗ xyz", ["trailing", "'xyz'", "นร ๐๕๐๕/ว ๓๔๐๗ xyz"]),
        ("นร ๐๕๐๕/ว ๓๔๐๗/๑/๒", ["trailing", "'/2'"]),
    ],
)
def test_refuses_malformed_numbers_saying_why(text, words):
    with pytest.raises(InvalidDocumentNumber) as caught:
        parse_document_number(text)
    message = str(caught.value)
    for word in words:
        assert word in message


def test_field_is_passed_to_the_error():
    with pytest.raises(InvalidDocumentNumber) as caught:
        parse_document_number("นร ๐๕๐๕", field="letter.number")
    assert caught.value.field == "letter.number"


def test_of_is_parse_document_number():
    assert DocumentNumber.of("นร ๑๒๐๐/๑๑๓") == parse_document_number("นร ๑๒๐๐/๑๑๓")


def test_document_number_is_frozen_and_survives_a_dump_round_trip():
    parsed = DocumentNumber.of("นร ๐๔๐๓ (กร ๒)/๑๓๕๗/๑")
    with pytest.raises(ValueError, match="frozen"):
        parsed.number = 1  # type: ignore[misc]
    assert DocumentNumber.model_validate_json(parsed.model_dump_json()) == parsed
    assert hash(parsed) == hash(DocumentNumber.of("นร ๐๔๐๓ (กร ๒)/๑๓๕๗/๑"))


@pytest.mark.parametrize("text", [
    "นร ๐๕๐๕/ว ๓๔๐๗", "นร ๐๕๐๕/ว ๘", "นร ๑๒๒๐/๔๘๙", "นร ๐๕๐๗/ว(ล) ๒๘๑๑๓", "มท ๐๒๒๘/ ๑๕๖๕๙",
    "นร ๐๔๐๓ (กร ๒)/๑๓๕๗/๑", "ที่ นร ๐๕๐๕/ว ๓๔๐๗", "นร 0505/ว 0034", "กค. 0305/ว 12",
    "นร  0505 / ว  3407", "นร 1112/6450/2",
])
def test_the_quick_key_is_the_parsers_key(text):
    from domain.paperwork.letter_numbers import document_key

    assert document_key(text) == parse_document_number(text).key
