"""Each test's own copy of the case's proposal, for a dev server shared by the session."""

from __future__ import annotations

import itertools
import os

from domain.register.records import ImportFile

_memo_numbers = itertools.count(1)


def with_unique_memo(case: ImportFile) -> ImportFile:
    """The case with its proposal's memo renumbered: the workflow id derives from it, and
    the dev server is shared by every test of the session."""
    data = case.model_dump(mode="json")
    memo = data["proposals"][0]["steps"][0]["step"]["memo"]
    memo["number"] = f"นร 1220/{90000 + os.getpid() % 1000 * 100 + next(_memo_numbers)}"
    return ImportFile.model_validate(data)
