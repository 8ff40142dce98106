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
        try:
            code = run(list(argv))
        except SystemExit as exit_:  # the parser's own refusal (a missing option)
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err
    return invoke
