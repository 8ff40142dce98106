"""A register file that is not a register: a message that says so, never a traceback."""

from __future__ import annotations

import pytest

from cli.main import run
from tests.conftest import STORE

pytestmark = pytest.mark.skipif(STORE != "sqlite", reason="a SQLite file can be corrupted")


def test_a_corrupt_database_file_is_named_as_such(env_for_cli, settings, capsys):
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "register.sqlite").write_bytes(b"not a database " * 400)
    code = run(["obligations", "--at", "2021-11-10"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "not a register database" in err
    assert str(settings.data_dir) in err
