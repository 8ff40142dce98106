"""The code's layout rules, checked: module size, and which layer may import which.

Read from the source with ``ast``, so a rule broken anywhere fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "projections", "workflows", "workers", "cli", "web", "bench", "tests",
            "scripts")
MAX_LINES = 300

FORBIDDEN = {
    # the domain is pure: no store, no workflow engine, no processes
    "domain": ("eventsourcing.persistence", "eventsourcing.sqlite", "eventsourcing.postgres",
               "workers", "workflows", "projections", "cli", "temporalio", "psycopg",
               "sqlite3", "structlog"),
    # read models know the domain and the library, not processes or interfaces
    "projections": ("workers", "workflows", "cli", "temporalio"),
    # workflows know the domain's values and rules, not the interfaces
    "workflows": ("cli", "projections"),
    # the HTTP app has no rules of its own: it asks the domain's table and the queries
    "web": ("cli",),
}


def _modules() -> list[Path]:
    found = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    return sorted(p for p in found if ".venv" not in p.parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_is_under_300_lines(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines < MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_it_may(layer: str) -> None:
    broken = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                broken.append(f"{path.relative_to(ROOT)} imports {name}")
    assert broken == []
