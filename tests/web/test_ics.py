"""The due-date feed on the reference case, read back by a calendar library."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from projections.queries.due import due_between
from web.authentication import Unauthenticated
from web.ics import LINE_OCTETS, agency_feed, agency_of_feed_token, render_calendar

GENERATED = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)


def _events(text: str) -> list[icalendar.cal.Component]:
    calendar = icalendar.Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


def test_the_monthly_report_as_of_1_june_2020_falls_on_friday_5_june(case_system):
    events = _events(agency_feed(case_system, "MOI", start=date(2020, 6, 1),
                                 generated_at=GENERATED))
    june = [e for e in events if e.decoded("DTSTART") == date(2020, 6, 5)]
    assert len(june) == 1
    assert "Pracharat" in str(june[0]["SUMMARY"]) and "ครบกำหนดส่ง" in str(june[0]["SUMMARY"])
    # A whole year of months: twelve monthly reports (each on or after the 5th).
    monthly = [e for e in events if "Monthly Pracharat" in str(e["SUMMARY"])]
    assert len(monthly) == 12


def test_the_m6_report_due_30_january_2022_is_moved_to_monday_31_by_the_holiday_rule(
        case_system):
    events = _events(agency_feed(case_system, "MOI", start=date(2021, 12, 15),
                                 generated_at=GENERATED))
    m6 = [e for e in events if e.decoded("DTSTART") == date(2022, 1, 31)]
    assert len(m6) == 1
    description = str(m6[0]["DESCRIPTION"])
    assert "๓๐ มกราคม ๒๕๖๕" in description  # the last day by the count
    assert "๓๑ มกราคม ๒๕๖๕" in description
    assert "193/8" in description
    assert not [e for e in events if e.decoded("DTSTART") == date(2022, 1, 30)]
    # The monthly report was rescinded on 9 Nov 2021: nothing of it after.
    assert not [e for e in events if "Monthly Pracharat" in str(e["SUMMARY"])]


def test_the_feed_is_crlf_text_folded_at_75_octets_and_its_uids_are_stable(case_system):
    answer = due_between(case_system, date(2021, 12, 15), date(2022, 12, 15), agency="MOI")
    text = render_calendar(answer, generated_at=GENERATED)
    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert "\n" not in "".join(lines)
    assert all(len(line.encode()) <= LINE_OCTETS for line in lines)
    assert any(line.startswith(" ") for line in lines)  # Thai descriptions needed folding
    again = render_calendar(due_between(case_system, date(2021, 12, 15), date(2022, 12, 15),
                                        agency="MOI"), generated_at=datetime.now(UTC))
    uids = [str(e["UID"]) for e in _events(text)]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["UID"]) for e in _events(again)]


def test_a_span_ending_before_it_starts_is_refused_naming_the_field(case_system):
    with pytest.raises(Exception) as refused:
        due_between(case_system, date(2022, 1, 1), date(2021, 1, 1))
    assert getattr(refused.value, "field", None) == "end"


class _Tokens:
    def __init__(self, live: dict[str, str]) -> None:
        self.live = live

    def feed_agency(self, token: str) -> str | None:
        return self.live.get(token)


def test_a_feed_token_opens_only_its_own_agency_s_feed_and_not_once_revoked():
    tokens = _Tokens({"t-moi": "MOI"})
    assert agency_of_feed_token(tokens, "t-moi", "MOI") == "MOI"
    for token, agency in (("t-moi", "NESDC"), ("forged", "MOI"), (None, "MOI")):
        with pytest.raises(Unauthenticated):
            agency_of_feed_token(tokens, token, agency)
    del tokens.live["t-moi"]
    with pytest.raises(Unauthenticated):
        agency_of_feed_token(tokens, "t-moi", "MOI")
