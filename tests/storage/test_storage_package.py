"""The storage package: the one form the chain gives an aggregate id, and its version pin."""

from __future__ import annotations

import tomllib
from pathlib import Path
from uuid import UUID

import pytest

from workers.storage import WRITTEN_AGAINST, require_library_version
from workers.storage.ledger import stored_id

ROOT = Path(__file__).resolve().parents[2]
AN_ID = UUID("6f1d3c52-5b8e-4f4e-9a57-0c2b7d1e4a90")


@pytest.mark.parametrize("given", [AN_ID, str(AN_ID), AN_ID.hex])
def test_an_id_has_one_stored_form_however_the_database_hands_it_back(given):
    assert stored_id(given) == "6f1d3c525b8e4f4e9a570c2b7d1e4a90"


def test_text_that_is_no_id_is_kept_as_found_for_the_verifier_to_name():
    assert stored_id("forged by hand") == "forged by hand"


def test_the_release_the_overrides_were_read_in_is_the_one_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"eventsourcing[postgres]=={WRITTEN_AGAINST}" in project["dependencies"]


def test_another_release_of_the_library_is_refused_with_the_reason():
    with pytest.raises(ImportError, match=r"eventsourcing 9\.6\.0 is installed") as refused:
        require_library_version("9.6.0")
    assert "workers/storage/__init__.py" in str(refused.value)
