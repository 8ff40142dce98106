"""Signing in from the command line: the token's file, and every way a credential fails.

The login file is readable by its owner alone from the moment it exists; a
command with no token, an expired one, a revoked or a forged one is refused
(exit 2) naming ``cabinet login``; a server that cannot be reached is named by
its address (exit 1). Nothing is recorded in any of these cases.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cli.remote import LoginRecord, read_login, write_login
from domain.permissions import Role
from tests.cli.conftest import Cabinet
from tests.support.signed_in import PASSWORD, Desks
from workers.temporal import free_port

ENDORSE = ("proposal", "endorse", "OPDC-1220-489", "--doc-kind", "stamp",
           "--doc-date", "๒๕ ส.ค. ๖๔")


def a_login(url: str = "http://127.0.0.1:9", *, hours: float = 1) -> LoginRecord:
    return LoginRecord(url=url, username="somchai", agency="DPM", role=Role.HEAD,
                       token="t0ken", expires_at=datetime.now(UTC) + timedelta(hours=hours))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_login_file_is_made_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "config" / "login.json"
        write_login(path, a_login())
        assert mode(path) == 0o600
        path.chmod(0o644)  # a file left readable by an older tool is replaced, not reused
        write_login(path, a_login())
        assert mode(path) == 0o600
    finally:
        os.umask(old)
    kept = read_login(path)
    assert kept is not None and (kept.username, kept.token) == ("somchai", "t0ken")
    assert [p.name for p in path.parent.iterdir()] == ["login.json"]


def test_no_sign_in_is_refused_naming_cabinet_login(cabinet: Cabinet) -> None:
    code, out, err = cabinet(*ENDORSE)
    assert code == 2
    assert "cabinet login" in err and out == ""
    assert "Traceback" not in err


def test_an_expired_login_is_refused_before_anything_is_sent(cabinet: Cabinet,
                                                            env_for_cli) -> None:
    write_login(Path(os.environ["CABINET_CONFIG_DIR"]) / "login.json", a_login(hours=-1))
    code, _, err = cabinet(*ENDORSE)
    assert code == 2
    assert "expired" in err and "sign in again: cabinet login" in err


@pytest.mark.parametrize("verb", ["start", "endorse", "approve", "request-opinions",
                                  "opinion", "decide", "withdraw"])
def test_as_is_an_unknown_option_of_every_step(cabinet: Cabinet, verb: str) -> None:
    argv = ("proposal", verb) + (() if verb == "start" else ("OPDC-1220-489",))
    code, _, err = cabinet(*argv, "--as", "PM:head")
    assert code == 2
    assert "No such option '--as'" in err


def test_a_server_that_is_not_running_is_named_by_its_address(cabinet: Cabinet,
                                                             monkeypatch) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("CABINET_URL", url)
    monkeypatch.setenv("CABINET_TOKEN", "t0ken")
    monkeypatch.setenv("CABINET_CONFIG_DIR", str(Path(os.environ["CABINET_DATA_DIR"]).parent))
    code, _, err = cabinet("whoami")
    assert code == 1
    assert f"cannot reach the register's server at {url}" in err
    assert "cabinet server" in err and "Traceback" not in err


def test_login_to_a_server_that_is_not_running_keeps_nothing(cabinet: Cabinet,
                                                            monkeypatch) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setattr("sys.stdin", _Stdin(PASSWORD + "\n"))
    code, _, err = cabinet("login", "--url", url, "--username", "somchai", "--password-stdin")
    assert code == 1
    assert url in err
    assert not (Path(os.environ["CABINET_CONFIG_DIR"]) / "login.json").exists()


def test_a_server_that_never_answers_is_given_up_on(cabinet: Cabinet, env_for_cli,
                                                    monkeypatch) -> None:
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)  # the kernel accepts connections; nothing ever answers
    try:
        write_login(Path(os.environ["CABINET_CONFIG_DIR"]) / "login.json",
                    a_login(f"http://127.0.0.1:{mute.getsockname()[1]}"))
        monkeypatch.setenv("CABINET_CLIENT_TIMEOUT", "2")
        code, _, err = cabinet(*ENDORSE)
    finally:
        mute.close()
    assert code == 1
    assert "did not answer within 2 s" in err
    assert "cabinet server" in err and "Traceback" not in err


class _Stdin:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""


# Through a real server ------------------------------------------------------------------


def sign_in(desks: Desks, config: Path, password: str = PASSWORD) -> tuple[int, str, str]:
    done = desks.server.command("login", "--url", desks.server.url, "--username", "moistaff",
                                "--password-stdin", stdin=password + "\n",
                                env={"CABINET_CONFIG_DIR": str(config)})
    return done.returncode, done.stdout, done.stderr


def test_login_keeps_a_token_only_its_owner_can_read(desks: Desks, tmp_path: Path) -> None:
    code, out, err = sign_in(desks, tmp_path / "moi")
    assert code == 0, err
    assert "MOI:staff" in out
    path = tmp_path / "moi" / "login.json"
    assert mode(path) == 0o600
    kept = json.loads(path.read_text())
    assert kept["username"] == "moistaff" and kept["url"] == desks.server.url
    assert kept["token"] and kept["token"] not in out


def test_a_wrong_password_keeps_nothing_and_says_not_which_part_was_wrong(
        desks: Desks, tmp_path: Path) -> None:
    code, _, err = sign_in(desks, tmp_path / "moi", password="not the password")
    assert code == 2
    assert "Traceback" not in err
    assert not (tmp_path / "moi" / "login.json").exists()


def test_a_revoked_or_forged_token_is_refused(desks: Desks, tmp_path: Path,
                                              monkeypatch) -> None:
    assert sign_in(desks, tmp_path / "moi")[0] == 0
    token = json.loads((tmp_path / "moi" / "login.json").read_text())["token"]
    whoami = desks.server.command("whoami", env={"CABINET_CONFIG_DIR": str(tmp_path / "moi")})
    assert whoami.returncode == 0 and "moistaff (MOI:staff)" in whoami.stdout
    out = desks.server.command("logout", env={"CABINET_CONFIG_DIR": str(tmp_path / "moi")})
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "moi" / "login.json").exists()
    for refused in (token, token[:-2] + "xx"):
        done = desks.server.command("whoami", env={"CABINET_URL": desks.server.url,
                                                   "CABINET_TOKEN": refused})
        assert done.returncode == 2, done.stdout
        assert "sign in again: cabinet login" in done.stderr
