"""The checked-in JSON Schemas are the answer models' own: a shape changes only on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.queries.schemas import schema_texts

SCHEMAS = Path(__file__).resolve().parent.parent.parent / "schemas"
GENERATED = schema_texts()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_checked_in_schema_is_the_answer_models(name: str) -> None:
    checked_in = SCHEMAS / name
    assert checked_in.exists(), f"schemas/{name} is missing: run scripts/gen-schemas"
    assert checked_in.read_text() == GENERATED[name], (
        f"the answer behind schemas/{name} changed shape: if on purpose, run "
        "scripts/gen-schemas, commit the schema and say so in the README")


def test_no_schema_is_left_for_an_answer_that_is_gone() -> None:
    assert {p.name for p in SCHEMAS.glob("*.json")} == set(GENERATED)
