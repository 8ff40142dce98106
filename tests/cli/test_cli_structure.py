"""The ``cabinet`` command's shape: help everywhere, shared options on either side of the
command's name, parser refusals that name the option, and questions that stay light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.main import COMMANDS, cabinet, run


def every_command() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, path: str) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            ctx = click.Context(command, info_name=path)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, f"{path} {name}"
                walk(sub, f"{path} {name}")

    walk(cabinet, "cabinet")
    return found


def test_every_option_and_argument_has_help_and_every_command_examples() -> None:
    commands = every_command()
    assert len(commands) > len(COMMANDS)
    for path, command in commands:
        assert command.epilog and "Examples:" in command.epilog, path
        for param in command.params:
            assert getattr(param, "help", None), f"{path} {param.name}"


def test_the_root_lists_its_commands_from_the_table_without_importing_them() -> None:
    assert list(cabinet.list_commands(click.Context(cabinet))) == list(COMMANDS)


def test_shared_options_work_before_and_after_the_commands_name(
        settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CABINET_STORE", "sqlite")
    data = str(settings.data_dir)
    for argv in (["--json", "--data-dir", data, "agency", "list"],
                 ["agency", "--json", "list", "--data-dir", data],
                 ["agency", "list", "--data-dir", data, "--json"]):
        capsys.readouterr()
        assert run(argv) == 0
        assert "agencies" in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("argv", "named"), [
    (["obligations"], "--at"),
    (["obligations", "--at", "2021-11-10", "--limit", "many"], "--limit"),
    (["rebuild", "--model", "nope"], "--model"),
    (["obligations", "--at", "2021-11-10", "--nope"], "--nope"),
])
def test_a_command_line_the_parser_refuses_exits_2_naming_the_option(
        argv: list[str], named: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        run(argv)
    assert refused.value.code == 2
    assert named in capsys.readouterr().err


def test_a_question_on_a_sqlite_register_loads_no_workflow_engine_and_no_postgres(
        tmp_path: Path) -> None:
    probe = ("import sys; from cli.main import run; "
             "code = run(['obligations', '--at', '2021-11-10']); "
             "print(code, sorted({m.split('.')[0] for m in sys.modules} "
             "& {'temporalio', 'psycopg', 'yaml'}))")
    env = {**os.environ, "CABINET_STORE": "sqlite", "CABINET_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr
