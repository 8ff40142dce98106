"""``cabinet user`` and ``cabinet who-could``: an operator keeps accounts on the data folder."""

from __future__ import annotations

import io
import json

import pytest

from tests.cli.conftest import Cabinet

PASSWORD = "correct horse battery"


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Cheap argon2id for the suite's speed; production keeps the library's defaults.
    monkeypatch.setenv("CABINET_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("CABINET_PASSWORD_MEMORY_KIB", "64")


def with_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


@pytest.mark.usefixtures("cheap_hashes")
def test_an_operator_adds_grants_and_revokes_and_who_could_answers_by_day(
        cabinet: Cabinet, monkeypatch: pytest.MonkeyPatch) -> None:
    with_stdin(monkeypatch, f"{PASSWORD}\n")
    code, out, err = cabinet("user", "add", "Prayut", "--agency", "PM", "--role", "head",
                             "--from", "2021-01-04", "--doc-number", "นร 0101/1",
                             "--password-stdin")
    assert code == 0, err
    assert "added prayut as PM:head from 2021-01-04" in out
    code, out, err = cabinet("user", "revoke", "prayut", "--from", "2021-12-01",
                             "--reason", "left office", "--json")
    assert code == 0, err
    assert json.loads(out) == {"username": "prayut", "effective_until": "2021-12-01"}
    code, out, _ = cabinet("who-could", "approve", "--on", "2021-11-09", "--json")
    answer = json.loads(out)
    assert [a["username"] for a in answer["accounts"]] == ["prayut"]
    assert answer["accounts"][0]["grant"]["source"] == "นร 0101/1"
    code, out, _ = cabinet("who-could", "approve", "--on", "2021-12-01", "--json")
    assert json.loads(out)["accounts"] == []
    code, out, _ = cabinet("user", "list", "--all", "--json")
    assert [(g["username"], g["effective_until"]) for g in json.loads(out)["grants"]] == [
        ("prayut", "2021-12-01")]


@pytest.mark.usefixtures("cheap_hashes")
def test_tokens_are_issued_to_accounts_that_hold_a_role_and_revoked_by_id(
        cabinet: Cabinet, monkeypatch: pytest.MonkeyPatch) -> None:
    with_stdin(monkeypatch, f"{PASSWORD}\n")
    assert cabinet("user", "add", "moi-system", "--agency", "MOI", "--role", "staff",
                   "--password-stdin")[0] == 0
    code, out, err = cabinet("user", "token", "issue", "moi-system", "--hours", "24", "--json")
    assert code == 0, err
    issued = json.loads(out)
    assert issued["token"].startswith(f"cab_{issued['token_id']}_")
    assert cabinet("user", "token", "revoke", issued["token_id"])[0] == 0
    code, _, err = cabinet("user", "token", "revoke", issued["token_id"])
    assert code == 2 and "TOKEN_ID" in err
    # A feed token: the address of MOI's ICS feed, revoked like any token.
    code, out, err = cabinet("user", "token", "issue", "moi-system", "--feed", "moi", "--json")
    assert code == 0, err
    feed = json.loads(out)
    assert f"/feeds/MOI.ics?token=cab_{feed['token_id']}_" in feed["url"]
    assert cabinet("user", "token", "revoke", feed["token_id"])[0] == 0
    code, _, err = cabinet("user", "token", "issue", "moi-system", "--feed", "XYZ")
    assert code == 2 and "--feed" in err, err
    with_stdin(monkeypatch, "another passphrase\n")
    assert cabinet("user", "passwd", "moi-system", "--password-stdin")[0] == 0


@pytest.mark.usefixtures("cheap_hashes")
@pytest.mark.parametrize(("argv", "stdin", "field"), [
    (("user", "add", "x!", "--agency", "SOC", "--role", "staff", "--password-stdin"),
     f"{PASSWORD}\n", "NAME"),
    (("user", "add", "anan", "--agency", "XYZ", "--role", "staff", "--password-stdin"),
     f"{PASSWORD}\n", "agency"),
    (("user", "add", "anan", "--agency", "SOC", "--role", "king", "--password-stdin"),
     f"{PASSWORD}\n", "role"),
    (("user", "add", "anan", "--agency", "SOC", "--role", "staff", "--password-stdin"),
     "short\n", "password"),
    (("user", "add", "anan", "--agency", "SOC", "--role", "staff", "--from", "someday",
      "--password-stdin"), f"{PASSWORD}\n", "--from"),
    (("user", "revoke", "nobody"), "", "username"),
    (("user", "passwd", "nobody", "--password-stdin"), f"{PASSWORD}\n", "NAME"),
    (("user", "token", "issue", "nobody"), "", "NAME"),
    (("who-could", "fly", "--on", "2021-11-09"), "", "VERB"),
])
def test_bad_input_exits_2_naming_the_field_and_records_nothing(
        cabinet: Cabinet, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], stdin: str,
        field: str) -> None:
    with_stdin(monkeypatch, stdin)
    code, _, err = cabinet(*argv)
    assert code == 2 and f"error: {field}" in err, err
    code, out, _ = cabinet("user", "list", "--all", "--json")
    assert json.loads(out)["grants"] == []


def test_the_help_says_these_commands_are_local(cabinet: Cabinet) -> None:
    code, out, _ = cabinet("user", "add", "--help")
    assert code == 0 and "data folder" in out and "cabinet user add somchai" in out
