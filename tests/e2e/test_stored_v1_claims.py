"""Document numbers claimed by earlier code (by the number alone) under today's keying.

The old claims still name their documents: re-importing what the old code
imported records nothing, the same number in the same year for another
document is still refused, and a new year may use the number again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from domain.errors import DocumentNumberReused
from domain.register.records import ImportFile, ResolutionRecord
from tests.support.in_memory import log_length
from workers.bootstrap import RegisterSystem, open_register
from workers.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stores"


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[RegisterSystem]:
    data = tmp_path / "v1"
    data.mkdir()
    shutil.copy(FIXTURES / "v1-register.sqlite", data / "register.sqlite")
    opened = open_register(Settings(data_dir=data, development=True))
    yield opened
    opened.close()


def resolution_citing(number: str, dated: str) -> ResolutionRecord:
    return ResolutionRecord.model_validate({
        "meeting_date": dated, "subject": f"a resolution citing {number} of {dated}",
        "source": {"kind": "circular", "number": number, "date": dated, "issuer": "SOC"},
        "clauses": [{"number": "1", "summary": "does something"}],
    })


def test_reimporting_the_old_file_into_the_old_store_records_nothing(old_store):
    content = ImportFile.model_validate(
        yaml.safe_load((FIXTURES / "v1-import.yaml").read_text()))
    before = log_length(old_store)
    assert old_store.register.import_file(content) == 0
    assert log_length(old_store) == before


def test_an_old_claim_still_refuses_its_number_in_its_year(old_store):
    before = log_length(old_store)
    with pytest.raises(DocumentNumberReused):
        old_store.register.record_resolution(resolution_citing("นร ๐๕๐๕/ว ๘", "2016-03-03"))
    assert log_length(old_store) == before


def test_an_old_claim_does_not_block_the_number_in_a_new_year(old_store):
    old_store.register.record_resolution(resolution_citing("นร ๐๕๐๕/ว ๘", "2023-03-07"))
    with pytest.raises(DocumentNumberReused):
        old_store.register.record_resolution(resolution_citing("นร ๐๕๐๕/ว ๘", "2023-09-12"))
