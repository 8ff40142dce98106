"""The ``cabinet`` command run in-process, as staff and scripts call it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cli.main import run

Cabinet = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cabinet(env_for_cli, capsys) -> Cabinet:
    """Run ``cabinet ARGV…`` on the test's store: (exit code, stdout, stderr)."""
    def invoke(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = run(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke
