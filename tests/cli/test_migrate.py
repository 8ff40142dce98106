"""``cabinet migrate``: the store's tables made (or brought up to this release) once, up front."""

from __future__ import annotations

import json

from tests.conftest import CASE_FILE


def test_migrate_makes_an_empty_store_ready_and_is_idempotent(cabinet):
    code, out, err = cabinet("migrate", "--json")
    assert code == 0, err
    assert json.loads(out) == {"ok": True, "applied": 0, "position": 0}

    assert cabinet("import", str(CASE_FILE))[0] == 0
    code, out, err = cabinet("migrate", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["applied"] == 0 and answer["position"] > 0  # the import caught the views up
    code, out, _ = cabinet("obligations", "--at", "2021-11-10", "--json")
    assert code == 0 and json.loads(out)["obligations"]
