"""``holiday add`` and ``agency add`` act as the signed-in person; the permission table decides.

There is no ``--as``: the server takes who acts from the token. Without a
sign-in the command is refused naming ``cabinet login``; anyone but the
Secretariat's staff or head is refused by the server (exit 2, naming who is
signed in) and nothing is added.
"""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Cabinet
from tests.support.signed_in import Desks

HOLIDAY = ("holiday", "add", "2022-07-29", "special holiday",
           "--source-number", "นร 0505/ว 123", "--source-date", "2022-07-01")
AGENCY = ("agency", "add", "MOJ", "--name-th", "กระทรวงยุติธรรม",
          "--name-en", "Ministry of Justice")


def events_stored(cabinet: Cabinet) -> int:
    code, out, _ = cabinet("audit", "verify", "--json")
    assert code == 0
    checked: int = json.loads(out)["checked"]
    return checked


@pytest.mark.parametrize("command", [HOLIDAY, AGENCY], ids=["holiday", "agency"])
def test_without_a_sign_in_the_command_is_refused(cabinet: Cabinet,
                                                  command: tuple[str, ...]) -> None:
    code, _, err = cabinet(*command)
    assert code == 2
    assert "cabinet login" in err
    assert "Traceback" not in err
    assert events_stored(cabinet) == 0


@pytest.mark.parametrize("command", [HOLIDAY, AGENCY], ids=["holiday", "agency"])
def test_as_is_no_longer_an_option(cabinet: Cabinet, command: tuple[str, ...]) -> None:
    code, _, err = cabinet(*command, "--as", "SOC:staff")
    assert code == 2
    assert "No such option '--as'" in err
    assert events_stored(cabinet) == 0


def directory(desks: Desks) -> tuple[list[str], list[str]]:
    reader = desks.as_("SOC:auditor")
    code, holidays, _ = reader("holiday", "list", "--json")
    assert code == 0
    code, agencies, _ = reader("agency", "list", "--json")
    assert code == 0
    return ([h["day"] for h in json.loads(holidays)["holidays"]],
            json.loads(agencies)["agencies"])


@pytest.mark.parametrize("actor", ["SOC:auditor", "MOI:staff", "MOI:head", "SOC:operator"])
@pytest.mark.parametrize("command", [HOLIDAY, AGENCY], ids=["holiday", "agency"])
def test_who_the_table_does_not_permit_is_refused_by_the_server(
        desks: Desks, command: tuple[str, ...], actor: str) -> None:
    before = directory(desks)
    code, out, err = desks.as_(actor)(*command)
    assert code == 2, err
    assert out == ""
    assert f"signed in as {desks.account(actor)}, {actor}" in err
    assert "Traceback" not in err
    assert directory(desks) == before


@pytest.mark.parametrize(("actor", "day", "code"), [("SOC:staff", "2022-07-29", "XJA"),
                                                    ("SOC:head", "2022-08-05", "XJB")])
def test_the_secretariat_declares_a_holiday_and_adds_an_agency(
        desks: Desks, actor: str, day: str, code: str) -> None:
    as_ = desks.as_(actor)
    holiday = (*HOLIDAY[:2], day, *HOLIDAY[3:])
    agency = (*AGENCY[:2], code, *AGENCY[3:])
    assert as_(*holiday)[0] == 0
    assert as_(*agency)[0] == 0
    holidays, agencies = directory(desks)
    assert day in holidays
    assert code in agencies
    code_, out, _ = desks.as_("SOC:auditor")("holiday", "history", "--json")
    assert code_ == 0
    declared = [e for e in json.loads(out)["events"] if e["event"] == "HolidayDeclared"]
    assert declared[-1]["actor"] == actor  # the token's person, not a claim
