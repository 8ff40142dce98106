"""scripts/check-compose: passes on the repository's files, names what is wrong in copies.

The broken copies are written to a temporary folder (compose file, .env.example
and Dockerfile, since build contexts resolve beside the compose file), so the
repository's own files are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

# The deployment files do not depend on the event store: check them once, on
# the SQLite pass of scripts/test, not again on the PostgreSQL pass.
pytestmark = pytest.mark.skipif(os.environ.get("CABINET_TEST_STORE") == "postgres",
                                reason="store-independent; runs on the SQLite pass")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check-compose"


def run_check(*args: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture
def copy(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the deployment files in tmp_path, edited by the given functions."""

    def make(edit_compose: Callable[[dict[str, Any]], None] | None = None, *,
             extra_env_lines: str = "",
             edit_dockerfile: Callable[[str], str] | None = None) -> Path:
        document = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
        if edit_compose:
            edit_compose(document)
        compose = tmp_path / "docker-compose.yml"
        compose.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        env = (ROOT / ".env.example").read_text(encoding="utf-8") + extra_env_lines
        (tmp_path / ".env.example").write_text(env, encoding="utf-8")
        dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
        if edit_dockerfile:
            dockerfile = edit_dockerfile(dockerfile)
        (tmp_path / "Dockerfile").write_text(dockerfile, encoding="utf-8")
        shutil.copy(ROOT / ".dockerignore", tmp_path / ".dockerignore")
        return compose

    return make


def test_the_repository_files_pass() -> None:
    done = run_check()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "check-compose: OK" in done.stdout
    assert "PROBLEM" not in done.stdout
    assert "(all present)" in done.stdout  # every cabinet subcommand a service runs exists


def test_an_unedited_copy_passes_when_given_its_paths(copy: Callable[..., Path]) -> None:
    compose = copy()
    done = run_check(compose, compose.parent / ".env.example")
    assert done.returncode == 0, done.stdout + done.stderr


def test_depends_on_a_missing_service_fails_and_names_it(copy: Callable[..., Path]) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["services"]["worker"]["depends_on"]["temporal-frontend"] = {
            "condition": "service_started"}

    compose = copy(edit)
    done = run_check(compose, compose.parent / ".env.example")
    assert done.returncode == 1, done.stdout
    assert ("service 'worker' depends_on 'temporal-frontend', which is not a service"
            in done.stdout)


def test_every_problem_in_one_file_is_reported(copy: Callable[..., Path],
                                               tmp_path: Path) -> None:
    (tmp_path / "empty-context").mkdir()

    def edit(doc: dict[str, Any]) -> None:
        services = doc["services"]
        # list form of depends_on, naming a service that does not exist
        services["projector"]["depends_on"] = ["postgresql", "ghost-db"]
        # a named volume never declared
        services["temporal"]["volumes"] = ["temporal-config:/etc/temporal/config"]
        # service_healthy on a service without a healthcheck
        del services["temporal"]["healthcheck"]
        # a variable .env.example does not list
        services["worker"]["environment"]["CABINET_EXTRA"] = "${CABINET_EXTRA_SETTING:-on}"
        # a secret written into the file, and one given a default
        services["postgresql"]["environment"]["POSTGRES_PASSWORD"] = "temporal"
        services["projector"]["environment"]["CABINET_LEDGER_KEY"] = "${CABINET_LEDGER_KEY:-dev}"
        # a build context with no Dockerfile
        services["projector"]["build"] = {"context": "./empty-context"}
        # a one-shot that is restarted forever, so never completes
        services["db-setup"]["restart"] = "always"
        # a restart policy Docker does not know, and a service with none
        services["temporal-ui"]["restart"] = "sometimes"
        del services["worker"]["restart"]
        # a lone dollar, which Compose rejects
        services["temporal-ui"]["environment"]["BANNER"] = "costs $5"
        # a dependency cycle
        services["postgresql"]["depends_on"] = ["worker"]

    compose = copy(edit, extra_env_lines="UNUSED_SETTING=1\nTEMPORAL_UI_PORT=9090\n")
    done = run_check(compose, compose.parent / ".env.example")
    assert done.returncode == 1, done.stdout
    expected = [
        "service 'projector' depends_on 'ghost-db', which is not a service",
        "named volume 'temporal-config', which is not declared",
        "'temporal' has no healthcheck",
        "CABINET_EXTRA_SETTING is used in docker-compose.yml",
        ".env.example lists UNUSED_SETTING, which docker-compose.yml never uses",
        "service 'postgresql' hard-codes POSTGRES_PASSWORD",
        "CABINET_LEDGER_KEY looks like a secret",
        "builds from './empty-context', which has no Dockerfile",
        "'db-setup' has restart: always",
        "service 'temporal-ui' has restart: 'sometimes'",
        "service 'worker' has no restart policy",
        "lone '$'",
        "depends_on cycle:",
        "TEMPORAL_UI_PORT is listed twice",
    ]
    missing = [text for text in expected if text not in done.stdout]
    assert not missing, f"not reported: {missing}\n\n{done.stdout}"


def test_a_schema_violation_fails(copy: Callable[..., Path]) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["services"]["worker"]["replicas_count"] = 3

    compose = copy(edit)
    done = run_check(compose, compose.parent / ".env.example")
    assert done.returncode == 1, done.stdout
    assert "does not match the compose specification" in done.stdout
    assert "replicas_count" in done.stdout


def test_an_entrypoint_other_than_cabinet_fails(copy: Callable[..., Path]) -> None:
    compose = copy(edit_dockerfile=lambda text: text.replace(
        'ENTRYPOINT ["cabinet"]', 'ENTRYPOINT ["python", "-m", "cli.main"]'))
    done = run_check(compose, compose.parent / ".env.example")
    assert done.returncode == 1, done.stdout
    assert 'ENTRYPOINT ["cabinet"]' in done.stdout


def test_an_unknown_subcommand_is_skipped_with_a_note(copy: Callable[..., Path]) -> None:
    """The one check allowed to skip: the commands are written alongside this file."""

    def edit(doc: dict[str, Any]) -> None:
        doc["services"]["projector"]["command"] = ["projector-not-written-yet"]

    compose = copy(edit)
    done = run_check(compose, compose.parent / ".env.example")
    assert done.returncode == 0, done.stdout
    assert "SKIPPED the subcommand check" in done.stdout
    assert "'projector-not-written-yet'" in done.stdout
