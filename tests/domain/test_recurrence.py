"""Recurrences and their deadlines (domain.register.recurrence)."""

from datetime import date

import pytest
from pydantic import ValidationError

from domain.errors import InvalidInput
from domain.paperwork.calendar import HolidayCalendar
from domain.register.recurrence import (
    AnnualInQuarter,
    Deadline,
    MonthlyByDay,
    OnceBy,
    QuarterlyAfterEnd,
    RecurrenceAdapter,
    Standing,
    deadlines_between,
    next_deadline,
)

CALENDAR = HolidayCalendar()
MONTHLY_5 = MonthlyByDay(day=5)
QUARTERLY_30 = QuarterlyAfterEnd(days_after=30)
ANNUAL_Q1 = AnnualInQuarter(quarter=1)
Q1_FY2565 = "Q1 FY2565 (1 Oct – 31 Dec 2021)"
Q2_FY2565 = "Q2 FY2565 (1 Jan – 31 Mar 2022)"
FY2565 = "FY2565 (1 Oct 2021 – 30 Sep 2022)"


def _next(recurrence, as_of, calendar=CALENDAR) -> Deadline:
    deadline = next_deadline(recurrence, as_of, calendar)
    assert deadline is not None
    return deadline


# --- reference answers --------------------------------------------------------
# Each row is one fact about next_deadline(recurrence, as_of).


@pytest.mark.parametrize(
    ("recurrence", "as_of", "field", "expected"),
    [
        # A plain month: 5 Jun 2020 is a Friday and no holiday.
        (MONTHLY_5, date(2020, 6, 1), "period", "May 2020"),  # the month it reports on
        (MONTHLY_5, date(2020, 6, 1), "due", date(2020, 6, 5)),
        (MONTHLY_5, date(2020, 6, 1), "deadline", date(2020, 6, 5)),
        (MONTHLY_5, date(2020, 6, 1), "moved_by", None),
        # s. 193/3: 31 Dec 2021 + 30 days; s. 193/8: Sunday 30 Jan -> Monday 31 Jan.
        (QUARTERLY_30, date(2021, 12, 15), "period", Q1_FY2565),
        (QUARTERLY_30, date(2021, 12, 15), "due", date(2022, 1, 30)),
        (QUARTERLY_30, date(2021, 12, 15), "deadline", date(2022, 1, 31)),
        # The due date has passed but the rolled deadline has not.
        (QUARTERLY_30, date(2022, 1, 31), "period", Q1_FY2565),
        (QUARTERLY_30, date(2022, 1, 31), "deadline", date(2022, 1, 31)),
        # Q2 is due Saturday 30 Apr 2022. `holidays` lists Monday 2 May as
        # Labour Day in lieu, but government offices work that day.
        (QUARTERLY_30, date(2022, 2, 1), "period", Q2_FY2565),
        (QUARTERLY_30, date(2022, 2, 1), "due", date(2022, 4, 30)),
        (QUARTERLY_30, date(2022, 2, 1), "deadline", date(2022, 5, 2)),
        # New Year's Eve (Fri), New Year's Day (Sat), Sunday, in lieu (Mon).
        (ANNUAL_Q1, date(2021, 12, 15), "period", FY2565),
        (ANNUAL_Q1, date(2021, 12, 15), "due", date(2021, 12, 31)),
        (ANNUAL_Q1, date(2021, 12, 15), "deadline", date(2022, 1, 4)),
    ],
)
def test_next_deadline_reference(recurrence, as_of, field, expected):
    assert getattr(_next(recurrence, as_of), field) == expected


@pytest.mark.parametrize(
    ("recurrence", "as_of", "phrase"),
    [
        (QUARTERLY_30, date(2021, 12, 15), "193/8"),
        (QUARTERLY_30, date(2021, 12, 15), "Sunday"),
        (QUARTERLY_30, date(2022, 2, 1), "Saturday"),
        (ANNUAL_Q1, date(2021, 12, 15), "New Year's Eve (public holiday)"),
        (ANNUAL_Q1, date(2021, 12, 15), "next working day, 4 Jan 2022"),
    ],
)
def test_moved_by_names_the_rule_and_the_reason(recurrence, as_of, phrase):
    assert phrase in _next(recurrence, as_of).moved_by


def test_moved_by_reads_as_a_sentence():
    assert _next(QUARTERLY_30, date(2021, 12, 15)).moved_by == (
        "CCC s. 193/8: 30 Jan 2022 is a Sunday; "
        "the period ends on the next working day, 31 Jan 2022"
    )


# --- a holiday the cabinet declares -------------------------------------------

SPECIAL = "Special holiday to stimulate tourism"
DECLARED = HolidayCalendar({date(2020, 6, 5): SPECIAL})


def test_declared_holiday_moves_the_deadline():
    assert _next(MONTHLY_5, date(2020, 6, 1), DECLARED).deadline == date(2020, 6, 8)


def test_declared_holiday_is_named_in_moved_by():
    assert SPECIAL in _next(MONTHLY_5, date(2020, 6, 1), DECLARED).moved_by


def test_declared_holiday_does_not_change_the_due_date():
    assert _next(MONTHLY_5, date(2020, 6, 1), DECLARED).due == date(2020, 6, 5)


# --- each recurrence ----------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2022, 2, 1), date(2022, 2, 28)),
        (date(2020, 2, 1), date(2020, 2, 29)),
        (date(2022, 3, 1), date(2022, 3, 31)),
    ],
    ids=str,
)
def test_monthly_day_31_falls_on_the_last_day_of_shorter_months(as_of, expected):
    assert _next(MonthlyByDay(day=31), as_of).due == expected


def test_monthly_on_its_deadline_day_is_still_that_period():
    assert _next(MONTHLY_5, date(2020, 6, 5)).period == "May 2020"


def test_monthly_the_day_after_moves_to_next_month():
    assert _next(MONTHLY_5, date(2020, 6, 6)).period == "June 2020"


def test_monthly_period_rolled_into_the_next_month_is_still_next():
    # 31 Dec 2021 (November's report) rolls to 4 Jan 2022, so on 2 Jan it is still open.
    assert _next(MonthlyByDay(day=31), date(2022, 1, 2)).period == "November 2021"


def test_annual_after_its_quarter_moves_to_next_fiscal_year():
    assert _next(ANNUAL_Q1, date(2022, 1, 5)).period == "FY2566 (1 Oct 2022 – 30 Sep 2023)"


def test_quarterly_counts_across_the_fiscal_year_end():
    assert _next(QUARTERLY_30, date(2022, 10, 1)).period == "Q4 FY2565 (1 Jul – 30 Sep 2022)"


def test_once_gives_its_date():
    assert _next(OnceBy(by=date(2022, 9, 30)), date(2022, 1, 1)).due == date(2022, 9, 30)


def test_once_period_label():
    assert _next(OnceBy(by=date(2022, 9, 30)), date(2022, 1, 1)).period == "once, by 30 Sep 2022"


def test_once_rolled_past_its_date_is_still_next():
    # Saturday 1 Oct 2022 rolls to Monday 3 Oct.
    assert _next(OnceBy(by=date(2022, 10, 1)), date(2022, 10, 3)).deadline == date(2022, 10, 3)


def test_once_already_past_has_no_next_deadline():
    assert next_deadline(OnceBy(by=date(2022, 9, 30)), date(2022, 10, 1), CALENDAR) is None


def test_standing_has_no_next_deadline():
    assert next_deadline(Standing(), date(2022, 1, 1), CALENDAR) is None


# --- deadlines_between ----------------------------------------------------------


def test_quarterly_deadlines_in_fy2565():
    # Q4 FY2564's due date 30 Oct 2021 and Q3's 30 Jul 2022 are Saturdays.
    found = deadlines_between(QUARTERLY_30, date(2021, 10, 1), date(2022, 9, 30), CALENDAR)
    assert [d.deadline for d in found] == [
        date(2021, 11, 1),
        date(2022, 1, 31),
        date(2022, 5, 2),
        date(2022, 8, 1),
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2022, 1, 31), date(2022, 1, 31), [Q1_FY2565], id="both-ends-included"),
        pytest.param(date(2022, 1, 30), date(2022, 1, 30), [], id="due-inside-deadline-after"),
        pytest.param(date(2022, 1, 31), date(2022, 2, 28), [Q1_FY2565], id="due-before-start"),
        pytest.param(date(2022, 2, 1), date(2022, 4, 30), [], id="nothing-in-range"),
    ],
)
def test_deadlines_between_goes_by_the_rolled_date(start, end, expected):
    found = deadlines_between(QUARTERLY_30, start, end, CALENDAR)
    assert [d.period for d in found] == expected


def test_standing_has_no_deadlines():
    assert deadlines_between(Standing(), date(2020, 1, 1), date(2030, 1, 1), CALENDAR) == []


def test_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidInput) as refused:
        deadlines_between(MONTHLY_5, date(2022, 2, 1), date(2022, 1, 1), CALENDAR)
    assert refused.value.field == "end"


# --- describe ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        (MONTHLY_5, "monthly, by day 5"),
        (MonthlyByDay(day=31), "monthly, by day 31 (the last day in shorter months)"),
        (QUARTERLY_30, "within 30 days after each fiscal quarter ends"),
        (QuarterlyAfterEnd(days_after=1), "within 1 day after each fiscal quarter ends"),
        (ANNUAL_Q1, "once a year, within Q1 of the fiscal year"),
        (OnceBy(by=date(2022, 9, 30)), "once, by 30 Sep 2022"),
        (Standing(), "continuing"),
    ],
    ids=repr,
)
def test_describe(recurrence, expected):
    assert recurrence.describe() == expected


# --- validation and serialisation -------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "monthly", "day": 0},
        {"kind": "monthly", "day": 32},
        {"kind": "monthly", "day": True},
        {"kind": "monthly", "day": "5"},
        {"kind": "monthly"},
        {"kind": "quarterly", "days_after": 0},
        {"kind": "quarterly", "days_after": 367},
        {"kind": "annual", "quarter": 0},
        {"kind": "annual", "quarter": 5},
        {"kind": "once", "by": "not a date"},
        {"kind": "weekly", "day": 1},
        {"day": 5},
        {"kind": "standing", "due": "2022-01-01"},
    ],
    ids=repr,
)
def test_invalid_recurrence_is_refused(data):
    with pytest.raises(ValidationError):
        RecurrenceAdapter.validate_python(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": "monthly", "day": 5}, MONTHLY_5),
        ({"kind": "quarterly", "days_after": 30}, QUARTERLY_30),
        ({"kind": "annual", "quarter": 1}, ANNUAL_Q1),
        ({"kind": "once", "by": "2022-09-30"}, OnceBy(by=date(2022, 9, 30))),
        ({"kind": "standing"}, Standing()),
    ],
    ids=repr,
)
def test_adapter_picks_the_model_by_kind(data, expected):
    assert RecurrenceAdapter.validate_python(data) == expected


@pytest.mark.parametrize(
    "recurrence",
    [MONTHLY_5, QUARTERLY_30, ANNUAL_Q1, OnceBy(by=date(2022, 9, 30)), Standing()],
    ids=repr,
)
def test_json_round_trip(recurrence):
    assert RecurrenceAdapter.validate_json(RecurrenceAdapter.dump_json(recurrence)) == recurrence


def test_recurrence_is_frozen():
    with pytest.raises(ValidationError):
        MONTHLY_5.day = 6
