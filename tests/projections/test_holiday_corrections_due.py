"""Deadlines follow a declared holiday's corrections, and stay as they were recorded before.

The Q1 FY2565 report of the reference case falls due on Sunday 30 Jan 2022
and so ends on Monday 31 Jan. Declaring that Monday a holiday moves the
deadline on a day; revoking it, or moving it past the deadline, moves it back.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.permissions import Actor
from domain.register.corrections import HolidayMove, HolidayRevocation
from domain.register.records import HolidayRecord
from domain.values import SourceDocument
from projections.queries.due import due

SOC = Actor.parse("SOC:staff")
ASKED = date(2021, 12, 15)
DECLARED_AT = datetime.fromisoformat("2026-02-01T03:00:00+00:00")
CORRECTED_AT = datetime.fromisoformat("2026-02-10T03:00:00+00:00")


def circular(number: int) -> SourceDocument:
    return SourceDocument.model_validate({"kind": "circular", "number": f"นร 0505/ว {number}",
                                          "date": "2022-01-10", "issuer": "SOC"})


def quarter_deadline(system, as_recorded: datetime | None = None) -> str:
    rows = due(system, ASKED, as_recorded=as_recorded).due
    return next(r.deadline for r in rows if r.period.startswith("Q1 FY2565"))


@pytest.fixture
def declared(case_system, clock):
    clock.now = DECLARED_AT
    case_system.register.declare_holiday(HolidayRecord(
        date=date(2022, 1, 31), name="special holiday", source=circular(10)), SOC)
    clock.now = CORRECTED_AT
    return case_system


def test_a_declared_holiday_moves_the_deadline(declared):
    assert quarter_deadline(declared) == "2022-02-01"


def test_a_revoked_holiday_no_longer_moves_it(declared):
    declared.register.revoke_holiday(HolidayRevocation(
        date=date(2022, 1, 31), reason="declared by mistake", source=circular(11)), SOC)
    assert quarter_deadline(declared) == "2022-01-31"
    assert quarter_deadline(declared, as_recorded=DECLARED_AT) == "2022-02-01"


def test_a_holiday_moved_past_the_deadline_no_longer_moves_it(declared):
    declared.register.move_holiday(HolidayMove(
        date=date(2022, 1, 31), to=date(2022, 2, 4), reason="the wrong day",
        source=circular(12)), SOC)
    assert quarter_deadline(declared) == "2022-01-31"
