"""``holiday add`` and ``agency add`` say who acts, and the permission table decides.

``--as`` has no default: a command that changes the register names its
actor. Anyone but the Secretariat's staff or head is refused with exit 2,
the message naming ``--as``, and nothing stored.
"""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Cabinet

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
def test_without_as_the_command_is_refused(cabinet: Cabinet, command: tuple[str, ...]) -> None:
    code, _, err = cabinet(*command)
    assert code == 2
    assert "--as" in err
    assert events_stored(cabinet) == 0


@pytest.mark.parametrize("actor", ["SOC:auditor", "MOI:staff", "MOI:head", "SOC:operator"])
@pytest.mark.parametrize("command", [HOLIDAY, AGENCY], ids=["holiday", "agency"])
def test_who_the_table_does_not_permit_is_refused_naming_as(
        cabinet: Cabinet, command: tuple[str, ...], actor: str) -> None:
    code, _, err = cabinet(*command, "--as", actor)
    assert code == 2
    assert "cabinet: error: --as:" in err
    assert events_stored(cabinet) == 0


@pytest.mark.parametrize("actor", ["SOC:staff", "SOC:head"])
def test_the_secretariat_declares_a_holiday_and_adds_an_agency(cabinet: Cabinet,
                                                              actor: str) -> None:
    assert cabinet(*HOLIDAY, "--as", actor)[0] == 0
    assert cabinet(*AGENCY, "--as", actor)[0] == 0
    code, out, _ = cabinet("agency", "list", "--json")
    assert code == 0
    assert "MOJ" in json.loads(out)["agencies"]
